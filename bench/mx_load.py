#!/usr/bin/python3
"""Load and timing for bench/api_mx.sh: N messages into an MTA, each one timed from the moment its
request is written to the moment smtp-sink finished receiving it.

  mx_load.py dns --origin example.net
      Serves the benchmark's zone with NSD (tests/peers/authoritative_dns.py): the origin's MX is
      mx.<origin>, whose address is 127.0.0.1. Prints "nameserver 127.0.0.1:PORT", then serves until
      SIGTERM or SIGINT, and stops NSD.

  mx_load.py run --via api|smtp --target HOST:PORT --label L --dump-dir DIR --sink-log FILE
                 [--key KEY] [--n 5000] [--concurrency 20] [--size 5120] [--rate 0]
                 [--mta-pid PID] [--mta-tree] [--sink-pid PID] [--rep 1] [--trace FILE]
      api:  POST /v1/messages (JSON, text body) on --concurrency keep-alive HTTP connections;
            each request counts as accepted on its 202.
      smtp: the same message as MIME over --concurrency SMTP sessions (EHLO, no pipelining, one
            recipient, connection reused), accepted on the 250 after the dot.
      Every message's subject is "mxbench TAG SEQ"; the client keeps each one's send time (taken just
      before the request's first byte is written). The sink (smtp-sink -c ... -d DIR/...) writes one
      file per message and closes it when the dot arrives, before its 250. The receipt time is when a
      watcher process (mx_load.py watch, started by run) is told of that close by inotify: the file's
      modification time would do, but the kernel stamps it from its coarse clock (one tick, 4 ms at
      HZ=250, behind), too coarse for latencies of a few ms. The watcher's delay is reported against
      the modification time (watch_minus_mtime_ms). Completion is seen in smtp-sink's -c counter
      (--sink-log).
      --rate 0 sends as fast as the MTA answers (closed loop: each connection sends its next message
      once the last was accepted); --rate R schedules message i at start + i/R (paced: measures the
      path's latency without a backlog; a late send is timed from when it really went).
      Prints one JSON line: accepted/s, delivered/s (N / from the first send to the last receipt),
      latency p50/p90/p99/max in ms, missing and duplicate messages, CPU seconds of the MTA, the
      sink, this client and the machine. Removes the run's dump files. --trace writes one line per
      message: seq, then the send, accept and receipt times in ns (for plots of latency over a run).

  mx_load.py watch DIR
      Prints "ready" once it watches DIR, then records the time of each IN_CLOSE_WRITE in DIR; on
      SIGTERM prints one "NAME TIME_NS" line per file closed, and "overflow" if events were lost.

  mx_load.py report RESULTS.jsonl
      Medians [min-max] per label and mode, and per repetition the ratio of the label "herald" to
      the label "postfix" (delivered/s).

  mx_load.py harness-ratio ANCHOR.jsonl
      For a run of ../shared/bench/anchor_postfix.sh with scenarios relay and external: per repetition
      the ratio external ÷ relay of delivered/s, and its median.

Needs only the Python standard library (Debian's /usr/bin/python3).
"""
import argparse
import asyncio
import atexit
import ctypes
import email.utils
import json
import os
import re
import resource
import signal
import statistics
import struct
import subprocess
import sys
import time

CLK = os.sysconf("SC_CLK_TCK")
MESG_RE = re.compile(rb"mesg=(\d+)")
SUBJECT_RE = re.compile(rb"^Subject: mxbench (\S+) (\d+)\r?$", re.M)
FROM_NAME, FROM_ADDR = "Shop", "orders@shop.example"
RCPT = "rcpt@example.net"
HELO = "client.bench.example"


# ---------------------------------------------------------------- dns
def cmd_dns(a):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "peers"))
    from authoritative_dns import AuthoritativeDns

    origin = a.origin.rstrip(".")
    zone = f"""
        @   IN SOA ns.{origin}. hostmaster.{origin}. 1 3600 600 86400 300
        @   IN NS  ns.{origin}.
        ns  IN A   127.0.0.1
        @   IN MX  10 mx.{origin}.
        mx  IN A   127.0.0.1
    """
    def stop(*_):
        raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGINT):  # a background job's SIGINT is ignored unless set here
        signal.signal(sig, stop)
    dns = AuthoritativeDns(origin, zone, name="bench-dns").start()
    try:
        print(f"nameserver {dns.nameserver}", flush=True)
        while True:
            signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        dns.cleanup()
    return 0


# ---------------------------------------------------------------- watch
IN_CLOSE_WRITE, IN_Q_OVERFLOW = 0x8, 0x4000
INOTIFY_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then len bytes of name


def cmd_watch(a):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init1(0)
    if fd < 0 or libc.inotify_add_watch(fd, os.fsencode(a.dir), IN_CLOSE_WRITE) < 0:
        sys.exit(f"inotify: {os.strerror(ctypes.get_errno())}")

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    closed, overflow = [], False
    print("ready", flush=True)
    try:
        while True:
            data = os.read(fd, 1 << 16)
            now = time.time_ns()  # one read may bring several events: each is timed by the read
            offset = 0
            while offset < len(data):
                _, mask, _, length = INOTIFY_EVENT.unpack_from(data, offset)
                offset += INOTIFY_EVENT.size
                if mask & IN_Q_OVERFLOW:
                    overflow = True
                closed.append((data[offset:offset + length].rstrip(b"\0"), now))
                offset += length
    except KeyboardInterrupt:
        pass
    out = sys.stdout.buffer
    out.write(b"".join(b"%s %d\n" % (name, t) for name, t in closed if name))
    if overflow:
        out.write(b"overflow\n")
    out.flush()
    return 0


class Watcher:
    """mx_load.py watch as a child process: its own process, so a busy client never delays its reads."""

    def __init__(self, dump_dir):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "watch", dump_dir],
                                     stdout=subprocess.PIPE)
        atexit.register(self.proc.kill)  # harmless once it has exited
        if self.proc.stdout.readline() != b"ready\n":
            raise RuntimeError("the inotify watcher did not start")

    def stop(self):
        """{file name: close time_ns}, whether events were lost, and the watcher's CPU seconds."""
        self.proc.send_signal(signal.SIGTERM)
        out = self.proc.stdout.read()
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        closed, overflow = {}, False
        for line in out.splitlines():
            if line == b"overflow":
                overflow = True
            else:
                name, t = line.rsplit(b" ", 1)
                closed.setdefault(name.decode(), int(t))
        return closed, overflow, usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------- messages
def body_text(size, newline):
    """About `size` bytes of 7-bit text in 78-character lines (none starts with a dot)."""
    words = "Thank you for your order; it ships within two working days from our warehouse. "
    lines, total, i = [], 0, 0
    while total < size:
        line = f"{i:04d} {(words * 2)[i % len(words):][:71]}"
        lines.append(line)
        total += len(line) + 2
        i += 1
    return newline.join(lines) + newline


class Load:
    """Builds the requests of one run; the subject names the run (tag) and the message (seq)."""

    def __init__(self, a, tag):
        self.a, self.tag = a, tag
        host = a.target
        if a.via == "api":
            text = json.dumps(body_text(a.size, "\n"))
            self.api_body = ('{"from": "%s <%s>", "to": {"email": "%s"}, "subject": "mxbench %s %%d", "text": %s}'
                             % (FROM_NAME, FROM_ADDR, RCPT, tag, text))
            self.api_head = (f"POST /v1/messages HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {a.key}\r\n"
                             "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n")
        else:
            self.smtp_body = body_text(a.size, "\r\n").encode()

    def api_request(self, seq):
        body = (self.api_body % seq).encode()
        return (self.api_head % len(body)).encode() + body

    def smtp_message(self, seq):
        head = (f"From: {FROM_NAME} <{FROM_ADDR}>\r\nTo: {RCPT}\r\nSubject: mxbench {self.tag} {seq}\r\n"
                f"Date: {email.utils.formatdate()}\r\nMessage-ID: <{self.tag}.{seq}@{HELO}>\r\n"
                "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
                "Content-Transfer-Encoding: 7bit\r\n\r\n")
        return head.encode() + self.smtp_body + b".\r\n"


# ---------------------------------------------------------------- clients
async def read_http_status(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    m = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.I)
    if m:
        await reader.readexactly(int(m.group(1)))
    elif re.search(rb"\r\ntransfer-encoding:\s*chunked", head, re.I):
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def read_smtp_reply(reader):
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("the server closed the connection")
        if len(line) < 4 or line[3:4] != b"-":
            return int(line[:3]), line.decode(errors="replace").strip()


class Run:
    def __init__(self, a, load):
        self.a, self.load = a, load
        self.next_seq = 0
        self.sent = {}       # seq -> time_ns the request's first byte was written
        self.acked = {}      # seq -> time_ns of the 202 / 250
        self.refused = []    # (seq, answer)
        self.start_mono = None

    async def take(self):
        """The next message's number, after its scheduled time when paced; None when all are taken."""
        if self.next_seq >= self.a.n:
            return None
        seq = self.next_seq
        self.next_seq += 1
        if self.a.rate > 0:
            delay = self.start_mono + seq / self.a.rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        return seq

    async def connect(self):
        host, port = self.a.target.rsplit(":", 1)
        reader, writer = await asyncio.open_connection(host, int(port))
        sock = writer.get_extra_info("socket")
        sock.setsockopt(6, 1, 1)  # IPPROTO_TCP, TCP_NODELAY
        return reader, writer

    async def api_worker(self):
        reader, writer = await self.connect()
        while (seq := await self.take()) is not None:
            request = self.load.api_request(seq)
            self.sent[seq] = time.time_ns()
            writer.write(request)
            status = await read_http_status(reader)
            self.acked[seq] = time.time_ns()
            if status != 202:
                self.refused.append((seq, status))
        writer.close()

    async def smtp_worker(self):
        reader, writer = await self.connect()

        async def command(line, want):
            writer.write(line)
            code, text = await read_smtp_reply(reader)
            if code != want:
                raise ConnectionError(f"{line.strip()!r} answered {text}")

        code, text = await read_smtp_reply(reader)
        if code != 220:
            raise ConnectionError(f"greeting {text}")
        await command(f"EHLO {HELO}\r\n".encode(), 250)
        while (seq := await self.take()) is not None:
            message = self.load.smtp_message(seq)
            self.sent[seq] = time.time_ns()
            await command(f"MAIL FROM:<{FROM_ADDR}>\r\n".encode(), 250)
            await command(f"RCPT TO:<{RCPT}>\r\n".encode(), 250)
            await command(b"DATA\r\n", 354)
            writer.write(message)
            code, text = await read_smtp_reply(reader)
            self.acked[seq] = time.time_ns()
            if code != 250:
                self.refused.append((seq, text))
        await command(b"QUIT\r\n", 221)
        writer.close()

    async def send_all(self):
        self.start_mono = time.monotonic()
        worker = self.api_worker if self.a.via == "api" else self.smtp_worker
        await asyncio.gather(*(worker() for _ in range(self.a.concurrency)))


# ---------------------------------------------------------------- accounting
def proc_stat(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    return data[data.rindex(b")") + 2:].split()


def pid_cpu(pid, tree=False):
    """CPU seconds of a process (all threads); with tree, also its reaped and live children (Postfix)."""
    f = proc_stat(pid)
    if f is None:
        return 0.0
    ticks = int(f[11]) + int(f[12])
    if tree:
        ticks += int(f[13]) + int(f[14])
        for d in os.listdir("/proc"):
            c = proc_stat(d) if d.isdigit() else None
            if c is not None and int(c[1]) == pid:
                ticks += int(c[11]) + int(c[12])
    return ticks / CLK


def machine_cpu():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / CLK, sum(v[:8]) / CLK


def sink_count(path):
    """The latest "mesg=N" of an smtp-sink -c log (records end with \\r; the last may be partial)."""
    try:
        with open(path, "rb") as f:
            f.seek(max(0, os.fstat(f.fileno()).st_size - 256))
            records = f.read().split(b"\r")
    except OSError:
        return 0
    for record in reversed(records[:-1]):
        m = MESG_RE.search(record)
        if m:
            return int(m.group(1))
    return 0


def self_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def percentile(sorted_values, q):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * q // 100))
    return sorted_values[int(rank) - 1]


def collect_receipts(dump_dir, tag, closed):
    """This run's dump files: {seq: receipt time_ns} (the watcher's, else the modification time), the
    duplicates, the files the watcher missed, the watcher's delay after each modification time in ms,
    and the mean file size. Removes the files."""
    receipts, duplicates, unwatched, delays, sizes = {}, 0, 0, [], []
    tag_bytes = tag.encode()
    for entry in os.scandir(dump_dir):
        if not entry.is_file():
            continue
        with open(entry.path, "rb") as f:
            data = f.read()
        m = SUBJECT_RE.search(data)
        if not m or m.group(1) != tag_bytes:
            continue
        seq, mtime = int(m.group(2)), entry.stat().st_mtime_ns
        received = closed.get(entry.name)
        if received is None:
            unwatched += 1
            received = mtime
        else:
            delays.append((received - mtime) / 1e6)
        if seq in receipts:
            duplicates += 1
        receipts[seq] = min(receipts.get(seq, received), received)
        sizes.append(len(data))
        os.unlink(entry.path)
    return receipts, duplicates, unwatched, sorted(delays), (sum(sizes) / len(sizes) if sizes else 0)


def cmd_run(a):
    tag = f"{a.label}-{a.rep}-{os.getpid()}-{time.time_ns() % 10**9}"
    run = Run(a, Load(a, tag))
    watcher = Watcher(a.dump_dir)
    base = sink_count(a.sink_log)
    mta0 = pid_cpu(a.mta_pid, a.mta_tree) if a.mta_pid else 0.0
    sink0 = pid_cpu(a.sink_pid) if a.sink_pid else 0.0
    busy0, total0 = machine_cpu()
    client0 = self_cpu()
    wall0 = time.monotonic()

    error = ""
    try:
        asyncio.run(run.send_all())
    except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as e:
        error = f"{type(e).__name__}: {e}"
    client1 = self_cpu()
    expected = len(run.acked) - len(run.refused)
    deadline = time.monotonic() + a.timeout
    while sink_count(a.sink_log) < base + expected and time.monotonic() < deadline:
        time.sleep(0.005)
    complete = sink_count(a.sink_log) >= base + expected
    mta1 = pid_cpu(a.mta_pid, a.mta_tree) if a.mta_pid else 0.0
    sink1 = pid_cpu(a.sink_pid) if a.sink_pid else 0.0
    busy1, total1 = machine_cpu()
    wall = time.monotonic() - wall0
    time.sleep(0.2)  # the last dump file is closed right after the counter moved
    closed, overflow, watcher_cpu = watcher.stop()
    receipts, duplicates, unwatched, delays, mean_size = collect_receipts(a.dump_dir, tag, closed)

    first = min(run.sent.values()) if run.sent else 0
    latencies = sorted((receipts[s] - run.sent[s]) / 1e6 for s in receipts if s in run.sent)
    refused = {seq for seq, _ in run.refused}
    missing = sum(1 for s in run.acked if s not in receipts and s not in refused)
    last_receipt = max(receipts.values()) if receipts else 0
    last_ack = max(run.acked.values()) if run.acked else 0
    ok = (not error and not run.refused and complete and missing == 0 and len(run.acked) == a.n
          and not overflow and unwatched == 0)

    def per_s(end):
        return round(a.n / ((end - first) / 1e9), 1) if ok and end > first else None

    def ms(v):
        return round(v, 2) if v is not None else None

    res = {
        "label": a.label, "rep": a.rep, "via": a.via, "target": a.target, "n": a.n,
        "concurrency": a.concurrency, "size": a.size,
        "mode": f"paced {a.rate:g}/s" if a.rate > 0 else "closed loop",
        "accepted_per_s": per_s(last_ack), "delivered_per_s": per_s(last_receipt),
        "latency_ms": {"p50": ms(percentile(latencies, 50)), "p90": ms(percentile(latencies, 90)),
                       "p99": ms(percentile(latencies, 99)), "max": ms(latencies[-1] if latencies else None)},
        "received": len(receipts), "missing": missing, "duplicates": duplicates, "refused": run.refused[:5],
        "unwatched": unwatched, "watch_overflow": overflow,
        "watch_minus_mtime_ms": {"p1": ms(percentile(delays, 1)), "p50": ms(percentile(delays, 50)),
                                 "p99": ms(percentile(delays, 99))},
        "sink_file_bytes": round(mean_size),
        "cpu_s": {"mta": round(mta1 - mta0, 2), "sink": round(sink1 - sink0, 2),
                  "client": round(client1 - client0, 2), "watcher": round(watcher_cpu, 2),
                  "machine_busy": round(busy1 - busy0, 2)},
        "machine_util_pct": round(100 * (busy1 - busy0) / max(total1 - total0, 1e-9), 1),
        "wall_s": round(wall, 2), "error": error, "ok": ok,
    }
    if a.trace:
        with open(a.trace, "w") as f:
            f.writelines(f"{s} {run.sent[s]} {run.acked.get(s, 0)} {receipts.get(s, 0)}\n" for s in sorted(run.sent))
    if ok and a.mta_pid:
        res["mta_cpu_ms_per_msg"] = round(1000 * (mta1 - mta0) / a.n, 3)
    print(json.dumps(res), flush=True)
    return 0 if ok else 1


# ---------------------------------------------------------------- report
def fmt(values, digits=0):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    f = f"{{:,.{digits}f}}"
    return f"{f.format(statistics.median(values))} [{f.format(min(values))}–{f.format(max(values))}]"


def cmd_report(a):
    runs = [json.loads(line) for line in open(a.results) if line.startswith("{")]
    modes = list(dict.fromkeys(r["mode"] for r in runs))
    rows = [("path", "mode", "ok/runs", "accepted msg/s", "delivered msg/s", "p50 ms", "p99 ms", "max ms",
             "MTA CPU ms/msg", "sink file B")]
    for mode in modes:
        for label in dict.fromkeys(r["label"] for r in runs if r["mode"] == mode):
            rs = [r for r in runs if r["mode"] == mode and r["label"] == label]
            ok = [r for r in rs if r["ok"]]
            rows.append((f"{label} ({ok[0]['via'] if ok else rs[0]['via']})", mode, f"{len(ok)}/{len(rs)}",
                         fmt([r["accepted_per_s"] for r in ok]), fmt([r["delivered_per_s"] for r in ok]),
                         fmt([r["latency_ms"]["p50"] for r in ok], 1), fmt([r["latency_ms"]["p99"] for r in ok], 1),
                         fmt([r["latency_ms"]["max"] for r in ok], 1),
                         fmt([r.get("mta_cpu_ms_per_msg") for r in ok], 2),
                         fmt([r["sink_file_bytes"] for r in ok])))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print("\nvalues: median [min–max] over the ok runs; latency from the request's first byte to the sink's receipt")
    for mode in modes:
        ratios, p50s, p99s = [], [], []
        by_rep = {}
        for r in runs:
            if r["mode"] == mode and r["ok"]:
                by_rep.setdefault(r["rep"], {})[r["label"]] = r
        for rep in sorted(by_rep):
            h, p = by_rep[rep].get("herald"), by_rep[rep].get("postfix")
            if h and p:
                ratios.append(h["delivered_per_s"] / p["delivered_per_s"])
                p50s.append(h["latency_ms"]["p50"] / p["latency_ms"]["p50"])
                p99s.append(h["latency_ms"]["p99"] / p["latency_ms"]["p99"])
        if ratios:
            print(f"{mode}: Herald ÷ Postfix delivered msg/s per rep {' / '.join(f'{x:.2f}' for x in ratios)} "
                  f"(median {statistics.median(ratios):.2f}); latency p50 ratio median {statistics.median(p50s):.2f}, "
                  f"p99 ratio median {statistics.median(p99s):.2f}")
    return 0


def cmd_harness_ratio(a):
    runs = [json.loads(line) for line in open(a.results) if line.startswith("{")]
    relay = [r for r in runs if r.get("label") == "relay"]
    external = [r for r in runs if r.get("label") == "external"]
    ratios = [e["delivered_per_s"] / r["delivered_per_s"] for r, e in zip(relay, external)
              if r["ok"] and e["ok"] and r["mode"] == e["mode"]]
    if not ratios:
        print("no repetition with both relay and external ok")
        return 1
    print(f"Herald (external, mx) ÷ Postfix (relay) delivered msg/s per rep {' / '.join(f'{x:.2f}' for x in ratios)} "
          f"(median {statistics.median(ratios):.2f})")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dns")
    d.add_argument("--origin", default="example.net")
    d.set_defaults(func=cmd_dns)
    r = sub.add_parser("run")
    r.add_argument("--via", choices=("api", "smtp"), required=True)
    r.add_argument("--target", required=True, help="host:port of Herald's HTTP API or of an SMTP server")
    r.add_argument("--key", default="", help="Herald API key (--via api)")
    r.add_argument("--label", required=True)
    r.add_argument("--rep", type=int, default=1)
    r.add_argument("--dump-dir", required=True, help="folder of smtp-sink -d's dump files")
    r.add_argument("--sink-log", required=True, help="stdout of smtp-sink -c")
    r.add_argument("--n", type=int, default=5000)
    r.add_argument("--concurrency", type=int, default=20)
    r.add_argument("--size", type=int, default=5120, help="bytes of message text")
    r.add_argument("--rate", type=float, default=0, help="messages per second; 0: as fast as accepted")
    r.add_argument("--mta-pid", type=int, default=0)
    r.add_argument("--mta-tree", action="store_true", help="count the MTA PID's children (Postfix master)")
    r.add_argument("--sink-pid", type=int, default=0)
    r.add_argument("--timeout", type=float, default=600)
    r.add_argument("--trace", help="file for each message's send, accept and receipt times")
    r.set_defaults(func=cmd_run)
    s = sub.add_parser("report")
    s.add_argument("results")
    s.set_defaults(func=cmd_report)
    w = sub.add_parser("watch")
    w.add_argument("dir")
    w.set_defaults(func=cmd_watch)
    h = sub.add_parser("harness-ratio")
    h.add_argument("results")
    h.set_defaults(func=cmd_harness_ratio)
    a = p.parse_args()
    return a.func(a)


if __name__ == "__main__":
    sys.exit(main())
