#!/usr/bin/python3
"""An SMTP server (aiosmtpd) whose replies follow a plan given on the command line: a real peer for
tests of Herald's SMTP client.

Every command is answered as aiosmtpd would answer it (250, 354, ...) unless a --reply rule says
otherwise. A rule is COMMAND=REPLY or COMMAND:N=REPLY:
  COMMAND  CONNECT (the greeting), EHLO, HELO, STARTTLS, MAIL, RCPT, DATA (the reply to the DATA
           command itself), DOT (the reply after the message content and the final "."), RSET, QUIT,
           NOOP.
  N        apply only to the Nth time COMMAND is seen (counted over the whole server's life, from 1);
           without N the rule applies every time. A rule with N wins over one without.
  REPLY    the reply, e.g. "550 5.1.1 No such user"; a multi-line reply separates its lines with the
           two characters \\n ("250-first\\n250 last"). Two special replies:
             DISCONNECT  close the connection without a reply;
             any 421     is sent, then the connection is closed.
           CONNECT accepts only 4xx/5xx replies (the connection is closed after them).
--delay COMMAND[:N]=SECONDS waits before answering (to test the client's time limits).

Options: --tls-cert/--tls-key offer STARTTLS; --no-pipelining hides PIPELINING; --size N
advertises SIZE N and refuses bigger messages; --no-smtputf8 hides SMTPUTF8; --idle-timeout S
closes a connection silent for S seconds (as servers drop idle clients).

Output:
  --port-file F    the listening port is written to F (atomically) once the server accepts connections;
                   with --port 0 (the default) a free port is chosen.
  --dump-dir D     each accepted message is written as D/msg-NNNN.eml (the content exactly as received,
                   dot-unstuffed), then D/msg-NNNN.json (mail_from, mail_options, rcpt_tos, tls, helo,
                   peer: the client's address).
  --transcript F   every command line received is appended to F as "<connection> <line>", and
                   "<connection> TLS" when a STARTTLS handshake completes.
Listens on --host (127.0.0.1). Stops on SIGTERM or SIGINT.

Example:
  scripted_smtp.py --port-file /tmp/p --reply 'RCPT=550 5.1.1 No such user' --reply 'DOT:2=451 4.3.0 Later'
"""
import argparse
import asyncio
import itertools
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP

COMMANDS = {"CONNECT", "EHLO", "HELO", "STARTTLS", "MAIL", "RCPT", "DATA", "DOT", "RSET", "QUIT", "NOOP"}


def parse_rules(items, what):
    """["RCPT:2=550 x", ...] -> {("RCPT", 2): "550 x", ("RCPT", None): ...}"""
    rules = {}
    for item in items:
        key, sep, value = item.partition("=")
        command, _, occurrence = key.partition(":")
        command = command.strip().upper()
        if not sep or command not in COMMANDS:
            raise SystemExit(f"bad {what} rule {item!r}: expected COMMAND[:N]=VALUE, COMMAND one of "
                             f"{', '.join(sorted(COMMANDS))}")
        rules[(command, int(occurrence) if occurrence else None)] = value
    return rules


class Plan:
    """The scripted replies and delays, and how often each command was seen."""

    def __init__(self, replies, delays):
        self.replies = replies
        self.delays = delays
        self.seen = {}

    def next(self, command):
        """Counts one more `command`; returns (reply or None, delay seconds)."""
        count = self.seen.get(command, 0) + 1
        self.seen[command] = count

        def lookup(rules):
            return rules.get((command, count), rules.get((command, None)))

        delay = lookup(self.delays)
        return lookup(self.replies), float(delay) if delay else 0.0


class Output:
    def __init__(self, dump_dir, transcript):
        self.dump_dir = dump_dir
        self.transcript = transcript
        self.messages = itertools.count(1)
        if dump_dir:
            os.makedirs(dump_dir, exist_ok=True)

    def note(self, connection, line):
        if self.transcript:
            with open(self.transcript, "a", encoding="utf-8", errors="backslashreplace") as f:
                f.write(f"{connection} {line}\n")

    def dump(self, envelope, tls, helo, peer):
        if not self.dump_dir:
            return
        base = os.path.join(self.dump_dir, f"msg-{next(self.messages):04d}")
        write_atomically(base + ".eml", envelope.original_content)
        meta = {"mail_from": envelope.mail_from, "mail_options": envelope.mail_options,
                "rcpt_tos": envelope.rcpt_tos, "tls": tls, "helo": helo, "peer": peer}
        write_atomically(base + ".json", json.dumps(meta).encode())


def write_atomically(path, data):
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


class Handler:
    def __init__(self, plan, output, pipelining):
        self.plan = plan
        self.output = output
        self.pipelining = pipelining

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        extra = ["250-ENHANCEDSTATUSCODES"] + (["250-PIPELINING"] if self.pipelining else [])
        return responses[:-1] + extra + responses[-1:]

    async def handle_DATA(self, server, session, envelope):
        reply, delay = self.plan.next("DOT")
        if delay:
            await asyncio.sleep(delay)
        if reply == "DISCONNECT":
            server.transport.abort()
            return "250 never sent"
        reply = reply or f"250 2.0.0 Ok: queued as {sum(self.plan.seen.values())}"
        if reply.startswith("2"):
            self.output.dump(envelope, server.tls_active, session.host_name, session.peer[0])
        if reply.startswith("421"):
            server.close_after_reply = True
        return reply


class ScriptedSMTP(SMTP):
    connections = itertools.count(1)

    def __init__(self, handler, plan, output, **kwargs):
        super().__init__(handler, **kwargs)
        self.plan = plan
        self.output = output
        self.number = next(self.connections)
        self.close_after_reply = False
        for name, method in list(self._smtp_methods.items()):
            self._smtp_methods[name] = self._scripted(name, method)

    @property
    def tls_active(self):
        return self._tls_protocol is not None

    async def push(self, status):
        await super().push(status)
        if self.close_after_reply and self.transport is not None:
            self.transport.close()

    async def push_reply(self, reply):
        lines = reply.split("\\n")
        for line in lines[:-1]:
            await super().push(line)
        await self.push(lines[-1])

    def _scripted(self, name, method):
        async def run(arg):
            self.output.note(self.number, name if arg is None else f"{name} {arg}")
            reply, delay = self.plan.next(name)
            if delay:
                await asyncio.sleep(delay)
            if reply is None:
                await method(arg)
                if name == "STARTTLS" and self.tls_active:
                    self.output.note(self.number, "TLS")
                return
            if reply == "DISCONNECT":
                self.transport.abort()
                return
            self.close_after_reply = reply.startswith("421")
            await self.push_reply(reply)
        return run

    async def _handle_client(self):
        self.output.note(self.number, "CONNECT")
        reply, delay = self.plan.next("CONNECT")
        if delay:
            await asyncio.sleep(delay)
        if reply is not None:
            if reply != "DISCONNECT":
                await self.push_reply(reply)
            self.transport.close()
            return
        await super()._handle_client()


async def serve(args):
    plan = Plan(parse_rules(args.reply, "--reply"), parse_rules(args.delay, "--delay"))
    for (command, _), reply in plan.replies.items():
        if command == "CONNECT" and reply != "DISCONNECT" and not reply[:1] in ("4", "5"):
            raise SystemExit("CONNECT accepts only 4xx/5xx replies or DISCONNECT")
    output = Output(args.dump_dir, args.transcript)
    handler = Handler(plan, output, pipelining=not args.no_pipelining)
    tls_context = None
    if args.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)
    loop = asyncio.get_running_loop()

    def factory():
        return ScriptedSMTP(handler, plan, output, data_size_limit=args.size, enable_SMTPUTF8=not args.no_smtputf8,
                            hostname="scripted.test", ident="scripted", tls_context=tls_context,
                            timeout=args.idle_timeout, loop=loop)

    server = await loop.create_server(factory, args.host, args.port)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        write_atomically(args.port_file, f"{port}\n".encode())
    print(f"listening {args.host}:{port}", flush=True)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    await stop
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 (default): any free port; see --port-file")
    parser.add_argument("--port-file", help="write the listening port here once ready")
    parser.add_argument("--reply", action="append", default=[], metavar="COMMAND[:N]=REPLY")
    parser.add_argument("--delay", action="append", default=[], metavar="COMMAND[:N]=SECONDS")
    parser.add_argument("--tls-cert", help="PEM certificate: offer STARTTLS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--no-pipelining", action="store_true")
    parser.add_argument("--no-smtputf8", action="store_true")
    parser.add_argument("--size", type=int, default=0, help="advertise SIZE and refuse bigger messages")
    parser.add_argument("--idle-timeout", type=float, default=300.0, metavar="SECONDS")
    parser.add_argument("--dump-dir", help="write accepted messages here")
    parser.add_argument("--transcript", help="append every command received here")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    asyncio.run(serve(args))


if __name__ == "__main__":
    sys.exit(main())
