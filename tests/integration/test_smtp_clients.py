#!/usr/bin/python3
"""Real SMTP clients submit through Herald's SMTP relay (DESIGN §2.2; issue 3, point 1), all on loopback.

Clients: swaks (STARTTLS + AUTH PLAIN; implicit TLS + AUTH LOGIN), msmtp (STARTTLS + AUTH LOGIN; implicit TLS
+ AUTH PLAIN), Python's smtplib (STARTTLS + AUTH PLAIN; implicit TLS + AUTH LOGIN with three recipients), curl
(smtp:// with --ssl-reqd, and smtps://), and a private Postfix instance relaying through Herald (relayhost with SASL
over TLS). Every client verifies Herald's self-signed certificate (<data_dir>/tls/cert.pem) where it can.

Every test message is built with Python's email package: a non-ASCII subject and sender name (RFC 2047), a text
part with the lines ".", "..", ".x" (dot-stuffing both ways), a UTF-8 HTML part (quoted-printable), a binary
attachment of random bytes (base64), X-Herald-Tag (twice, one folded) and X-Herald-Metadata-* headers inserted
in the middle of the header section. Each copy that comes out — the capture sandbox (capture mode) or the file
Postfix's smtp-sink wrote (relay mode) — must have:
  - everything after the header section byte-identical to what the client sent, and the attachment decoding to
    the very same bytes;
  - every header field the client sent, byte for byte and in order, except the X-Herald-* ones, which are gone;
  - exactly one "List-Help: <https://shop.example/help>" (the connection's URL, replacing the sender's own);
  - exactly one Message-ID and one Date: the sender's own when given, else added by Herald (well-formed, now);
and the Herald message (one per recipient, named by the "250 2.0.0 Ok: queued as msg_…" reply) must be
delivered, with the decoded subject and the tags and metadata of the X-Herald-* headers.

CaptureClientsTest: one daemon in capture mode for swaks, msmtp, smtplib (STARTTLS) and curl.
RelayClientsTest: smtp-sink, a daemon relaying to it, and the clients whose copies are read at the sink: smtplib
with three recipients over implicit TLS, and Postfix (needs root, as in CI: it is run as root).
"""
import datetime
import email
import email.headerregistry
import email.message
import email.parser
import email.policy
import email.utils
import hashlib
import os
import re
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import time
import urllib.parse

import harness

DOMAIN = "shop.example"
SENDER = f"orders@{DOMAIN}"
LIST_HELP_URL = "https://shop.example/help"
SUBJECT = "Bestätigung Ihrer Bestellung — Größe ✓, 注文 №"
SENDER_NAME = "Shöp Ørders"
QUEUED = re.compile(r"250[ -]2\.0\.0 Ok: queued as ([^\r\n]*)")
MESSAGE_ID_SHAPE = re.compile(rb"^\s*<[^<>@\s]+@[^<>@\s]+>\s*$")
CLIENT_TIMEOUT = 60


def queued_ids(text):
    """The Herald ids named by the first "250 2.0.0 Ok: queued as msg_… …" reply in a client's transcript."""
    match = QUEUED.search(text)
    if not match:
        raise AssertionError(f"no '250 2.0.0 Ok: queued as' reply in the client's output:\n{text[-3000:]}")
    ids = re.findall(r"\bmsg_[0-9A-Za-z]+", match.group(1))
    if not ids:
        raise AssertionError(f"no message id in the reply {match.group(0)!r}")
    return ids


def header_fields(head):
    """The fields of a header section (bytes, CRLF lines): each field with its folded lines, as sent."""
    fields = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += b"\r\n" + line
        else:
            fields.append(line)
    return fields


def field_name(field):
    return field.split(b":", 1)[0].strip().lower()


def field_value(field):
    return field.split(b":", 1)[1].strip() if b":" in field else b""


def split_message(raw):
    """(header section without its ending blank line, everything after the blank line)."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise AssertionError(f"no blank line ending the header section in {raw[:300]!r}")
    return head, body


class TestMessage:
    """One message as a client submits it, with what must come out of Herald."""

    def __init__(self, token, client, recipients, with_ids=False, own_list_help=False):
        self.token = token
        self.client = client
        self.recipients = list(recipients)
        self.attachment = os.urandom(123_457)  # not a multiple of 3: base64 padding
        self.attachment_name = f"rechnung-{token}.bin"
        self.tags = ["order-confirmation", client, "alpha", "beta"]
        self.metadata = {"Order": f"A-{token}", "Client": client}

        message = email.message.EmailMessage()
        message["From"] = email.headerregistry.Address(SENDER_NAME, addr_spec=SENDER)
        message["To"] = ", ".join(self.recipients)
        message["Subject"] = f"{SUBJECT} [{token}]"
        if with_ids:
            message["Message-ID"] = email.utils.make_msgid(idstring=token, domain=DOMAIN)
            message["Date"] = email.utils.format_datetime(
                datetime.datetime(2024, 5, 17, 9, 30, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2))))
        if own_list_help:
            message["List-Help"] = "<mailto:help@other.example>"
        message["X-Test-Token"] = token
        message.set_content(f"Thanks for your order {token}.\n.\n..\n.leading dot\nFrom the shop\n"
                            "  indented, trailing spaces   \n", cte="7bit")
        message.add_alternative(f"<p>Größe ✓ — order {token}</p>\n", subtype="html", cte="quoted-printable")
        message.add_attachment(self.attachment, maintype="application", subtype="octet-stream",
                               filename=self.attachment_name)
        generated = message.as_bytes(policy=email.policy.SMTP)

        head, body = split_message(generated)
        fields = header_fields(head)
        # The X-Herald-* fields: in the middle of the section (after Subject) and at its end, one folded.
        subject_at = [field_name(f) for f in fields].index(b"subject") + 1
        fields[subject_at:subject_at] = [f"X-Herald-Tag: order-confirmation, {client}".encode(),
                                         f"X-Herald-Metadata-Order: A-{token}".encode()]
        fields += [b"x-herald-tag: alpha,\r\n beta", f"X-Herald-Metadata-Client: {client}".encode()]
        self.raw = b"\r\n".join(fields) + b"\r\n\r\n" + body
        self.body = body
        self.fields = fields
        self.kept_fields = [f for f in fields if not field_name(f).startswith(b"x-herald-")
                            and field_name(f) != b"list-help"]
        self.message_id = message["Message-ID"]
        assert b"\r\n.\r\n" in self.body and b"\r\n..\r\n" in self.body and b"\n" not in self.body.replace(
            b"\r\n", b"")
        assert sum(field_name(f).startswith(b"x-herald-") for f in fields) == 4

    def write(self, folder, with_final_crlf=True):
        """Writes the message to a file for a client that reads one; answers its path."""
        path = os.path.join(folder, f"{self.token}.eml")
        with open(path, "wb") as f:
            f.write(self.raw if with_final_crlf else self.raw[:-2])
        return path


class SmtpClientsTestCase(harness.ProcessTestCase):
    """A daemon with one SMTP connection for shop.example, and the checks every copy must pass."""

    counter = 0

    @classmethod
    def start_daemon(cls, sets):
        cls.herald = cls.own_class(harness.Herald({"log.level": "debug", **sets}, name=cls.__name__)).start()
        if not cls.herald.smtp_port or not cls.herald.smtps_port:
            raise AssertionError(f"herald logged no 'serving smtp://' / 'serving smtps://' line:\n"
                                 f"{cls.herald.log_tail()}")
        cls.api = cls.herald.client()
        cls.addClassCleanup(cls.api.close)
        status, body, _ = cls.api.post("/v1/smtp-connections", {
            "name": f"{cls.__name__} clients", "domains": [DOMAIN], "list_help_url": LIST_HELP_URL})
        if status != 201:
            raise AssertionError(f"POST /v1/smtp-connections answered {status} {body}")
        cls.connection = body
        cls.username, cls.password = body["username"], body["password"]
        cls.cert = os.path.join(cls.herald.data_dir, "tls", "cert.pem")
        if not os.path.exists(cls.cert):
            raise AssertionError(f"herald init made no certificate at {cls.cert}")

    def setUp(self):
        super().setUp()
        self.work = harness.make_temp_dir("herald-smtp-client-")
        self.addCleanup(harness.remove_temp_dir, self.work)

    def new_message(self, client, recipients=("jane@example.com",), **kw):
        type(self).counter += 1
        token = f"{client}-{os.getpid()}-{type(self).counter}-{os.urandom(3).hex()}"
        return TestMessage(token, client, recipients, **kw)

    def run_client(self, args, input_bytes=None):
        """Runs a client program; answers its stdout + stderr as text; fails the test on a non-zero exit."""
        started = time.monotonic()
        out = subprocess.run(args, input=input_bytes, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=CLIENT_TIMEOUT)
        text = out.stdout.decode("utf-8", "replace")
        if out.returncode != 0:
            self.fail(f"{args[0]} exited with {out.returncode} after {time.monotonic() - started:.1f} s:\n"
                      f"{text[-4000:]}")
        return text

    # -- checks
    def delivered_messages(self, sent, ids):
        """Each id: one Herald message, delivered, with the subject, tags and metadata the client set; each
        recipient has exactly one of them (GET /v1/messages?recipient=…). Answers {recipient: message}."""
        self.assertEqual(len(ids), len(sent.recipients), f"one id per recipient expected: {ids}")
        self.assertEqual(len(set(ids)), len(ids), f"ids repeat: {ids}")
        done = harness.wait_for_statuses(self.api, ids, ("delivered", "failed", "bounced"), timeout=60)
        for message_id in ids:
            message = done[message_id]
            self.assertEqual(message["status"], "delivered", message)
            self.assertEqual(message["subject"], f"{SUBJECT} [{sent.token}]", message)
            self.assertEqual(sorted(message["tags"]), sorted(sent.tags), message)
            self.assertEqual(message["metadata"], sent.metadata, message)
            self.assertEqual(message["from"], f"{SENDER_NAME} <{SENDER}>", message)
            self.assertEqual(message["to"], ", ".join(sent.recipients), message)  # the To: header, decoded
        by_recipient = {}
        for recipient in sent.recipients:
            listed = [m["id"] for m in self.api.list_all(query=f"recipient={urllib.parse.quote(recipient)}")
                      if sent.token in (m.get("subject") or "")]
            self.assertEqual(len(listed), 1, f"{recipient} has {len(listed)} messages of this submission: {listed}")
            by_recipient[recipient] = done.get(listed[0])
            self.assertIsNotNone(by_recipient[recipient], f"{recipient}'s message {listed[0]} is not among {ids}")
        # Nothing else was made of this submission (no duplicate, no message for a missing id).
        made = sorted(m["id"] for m in self.api.list_all() if sent.token in (m.get("subject") or ""))
        self.assertEqual(made, sorted(ids), "the messages stored for this submission are not the ones named")
        return by_recipient

    def sandbox_copy(self, message_id):
        status, body, _ = self.api.get(f"/v1/sandbox/messages/{message_id}")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["id"], message_id)
        return body["raw"].encode("utf-8")

    def assert_copy_correct(self, raw, sent, what):
        """What came out of Herald (raw bytes, CRLF lines) is the message sent, edited only as promised."""
        head, body = split_message(raw)
        # The body section: byte-identical (compared by length and first difference, not by dumping 170 KB).
        if body != sent.body:
            at = next((i for i, (a, b) in enumerate(zip(body, sent.body)) if a != b), min(len(body), len(sent.body)))
            self.fail(f"{what}: the body differs from what was sent ({len(body)} bytes, sent {len(sent.body)}); "
                      f"first difference at byte {at}: got {body[max(0, at - 40):at + 40]!r}, "
                      f"sent {sent.body[max(0, at - 40):at + 40]!r}")
        fields = header_fields(head)
        names = [field_name(f) for f in fields]
        # No X-Herald-* field is left, and everything else the client wrote is there, byte for byte, in order.
        self.assertEqual([f for f in fields if field_name(f).startswith(b"x-herald-")], [], what)
        remaining = iter(fields)
        for kept in sent.kept_fields:
            self.assertTrue(any(f == kept for f in remaining),
                            f"{what}: the field {kept!r} is missing, changed or out of order in:\n{head.decode()}")
        # Exactly one List-Help, the connection's.
        list_help = [field_value(f) for f in fields if field_name(f) == b"list-help"]
        self.assertEqual(list_help, [f"<{LIST_HELP_URL}>".encode()], f"{what}: List-Help in\n{head.decode()}")
        # Exactly one Message-ID and one Date: the sender's own, or well-formed ones Herald added.
        message_ids = [f for f in fields if field_name(f) == b"message-id"]
        dates = [f for f in fields if field_name(f) == b"date"]
        self.assertEqual(len(message_ids), 1, f"{what}: Message-ID fields {message_ids}")
        self.assertEqual(len(dates), 1, f"{what}: Date fields {dates}")
        if sent.message_id is None:
            self.assertRegex(field_value(message_ids[0]), MESSAGE_ID_SHAPE, what)
            date = email.utils.parsedate_to_datetime(field_value(dates[0]).decode())
            self.assertIsNotNone(date.tzinfo, f"{what}: {dates[0]!r}")
            age = abs((datetime.datetime.now(datetime.timezone.utc) - date).total_seconds())
            self.assertLess(age, 600, f"{what}: the added {dates[0]!r} is not now")
        self.assertEqual(names.count(b"subject"), 1, what)
        # Read back as MIME: the subject, and the attachment decoding to the same bytes.
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(str(parsed["Subject"]), f"{SUBJECT} [{sent.token}]", what)
        self.assertEqual(parsed["From"].addresses[0].display_name, SENDER_NAME, what)
        attachments = [p for p in parsed.iter_attachments() if p.get_filename() == sent.attachment_name]
        self.assertEqual(len(attachments), 1, f"{what}: attachment {sent.attachment_name} not found once")
        data = attachments[0].get_content()
        self.assertEqual(len(data), len(sent.attachment), what)
        self.assertEqual(hashlib.sha256(data).hexdigest(), hashlib.sha256(sent.attachment).hexdigest(), what)

    def assert_captured(self, sent, ids):
        """Capture mode: every id's sandbox copy is correct."""
        for recipient, message in self.delivered_messages(sent, ids).items():
            self.assert_copy_correct(self.sandbox_copy(message["id"]), sent, f"{message['id']} to {recipient}")


# ------------------------------------------------------------------------------------------------ capture mode

class CaptureClientsTest(SmtpClientsTestCase):
    @classmethod
    def start_class(cls):
        cls.start_daemon({"delivery.mode": "capture"})

    def swaks(self, sent, port, tls_flag, mechanism):
        path = sent.write(self.work, with_final_crlf=False)  # swaks ends the data with CRLF.CRLF itself
        return self.run_client(["swaks", "--server", harness.LOOPBACK, "--port", str(port), tls_flag,
                                "--tls-verify", "--tls-ca-path", self.cert,
                                "--auth", mechanism, "--auth-user", self.username, "--auth-password", self.password,
                                "--from", SENDER, "--to", ",".join(sent.recipients), "--helo", "swaks.shop.example",
                                "--data", f"@{path}", "--suppress-data", "--timeout", "30"])

    def test_swaks_starttls_auth_plain(self):
        sent = self.new_message("swaks-plain")
        transcript = self.swaks(sent, self.herald.smtp_port, "--tls", "PLAIN")
        # Plaintext EHLO: STARTTLS offered, AUTH not; after TLS ("~"): AUTH PLAIN LOGIN, and swaks used PLAIN.
        before_tls = transcript.split("-> STARTTLS")[0]
        self.assertRegex(before_tls, r"<-  250[- ]STARTTLS", transcript)
        self.assertNotRegex(before_tls, r"<-  250[- ]AUTH", transcript)
        self.assertRegex(transcript, r"<~  250[- ]AUTH PLAIN LOGIN", transcript)
        self.assertIn("~> AUTH PLAIN", transcript)
        self.assertRegex(transcript, r"<~  235 ", transcript)
        self.assert_captured(sent, queued_ids(transcript))

    def test_swaks_implicit_tls_auth_login(self):
        sent = self.new_message("swaks-login")
        transcript = self.swaks(sent, self.herald.smtps_port, "--tls-on-connect", "LOGIN")
        self.assertNotIn("STARTTLS", transcript, "STARTTLS offered or used under implicit TLS")
        self.assertIn("~> AUTH LOGIN", transcript)
        self.assertRegex(transcript, r"<~  235 ", transcript)
        self.assert_captured(sent, queued_ids(transcript))

    def msmtp(self, sent, port, starttls, mechanism):
        log = os.path.join(self.work, f"msmtp-{mechanism}.log")
        config = os.path.join(self.work, f"msmtprc-{mechanism}")
        with open(config, "w") as f:
            f.write(f"defaults\nlogfile {log}\nsyslog off\n\n"
                    f"account herald\nhost {harness.LOOPBACK}\nport {port}\nfrom {SENDER}\n"
                    f"domain msmtp.shop.example\n"
                    f"tls on\ntls_starttls {'on' if starttls else 'off'}\ntls_trust_file {self.cert}\n"
                    f"auth {mechanism}\nuser {self.username}\npassword {self.password}\n")
        os.chmod(config, 0o600)  # msmtp refuses a readable file holding a password
        output = self.run_client(["msmtp", "-C", config, "-a", "herald", "--", *sent.recipients],
                                 input_bytes=sent.raw)
        with open(log, encoding="utf-8", errors="replace") as f:
            logged = f.read()
        self.assertIn("exitcode=EX_OK", logged, output)
        return logged

    def test_msmtp(self):
        for port_name, starttls, mechanism in (("smtp_port", True, "login"), ("smtps_port", False, "plain")):
            with self.subTest(port=port_name, mechanism=mechanism):
                sent = self.new_message(f"msmtp-{mechanism}", with_ids=True)
                logged = self.msmtp(sent, getattr(self.herald, port_name), starttls, mechanism)
                self.assert_captured(sent, queued_ids(logged))

    def tls_context(self):
        """Verifies Herald's certificate, and that it is for 127.0.0.1 (its IP subjectAltName)."""
        context = ssl.create_default_context(cafile=self.cert)
        context.check_hostname = True
        return context

    def test_smtplib_starttls_login(self):
        sent = self.new_message("smtplib-starttls")
        with smtplib.SMTP(harness.LOOPBACK, self.herald.smtp_port, local_hostname="smtplib.shop.example",
                          timeout=CLIENT_TIMEOUT) as smtp:
            smtp.ehlo()
            self.assertTrue(smtp.has_extn("starttls"), smtp.esmtp_features)
            self.assertFalse(smtp.has_extn("auth"), f"AUTH offered before TLS: {smtp.esmtp_features}")
            self.assertEqual(smtp.starttls(context=self.tls_context())[0], 220)
            smtp.ehlo()
            self.assertEqual(set(smtp.esmtp_features.get("auth", "").upper().split()), {"PLAIN", "LOGIN"},
                             smtp.esmtp_features)
            self.assertEqual(smtp.login(self.username, self.password)[0], 235)
            self.assertEqual(smtp.mail(SENDER)[0], 250)
            for recipient in sent.recipients:
                self.assertEqual(smtp.rcpt(recipient)[0], 250)
            code, reply = smtp.data(sent.raw)
        self.assertEqual(code, 250, reply)
        self.assert_captured(sent, queued_ids(f"{code} {reply.decode()}"))

    def curl(self, sent, url):
        path = sent.write(self.work)
        return self.run_client(["curl", "--silent", "--show-error", "--verbose", "--ssl-reqd", "--url", url,
                                "--cacert", self.cert, "--user", f"{self.username}:{self.password}",
                                "--mail-from", SENDER, *[a for r in sent.recipients for a in ("--mail-rcpt", r)],
                                "--upload-file", path, "--max-time", "30"])

    def test_curl(self):
        for scheme, port_name in (("smtp", "smtp_port"), ("smtps", "smtps_port")):
            with self.subTest(scheme=scheme):
                sent = self.new_message(f"curl-{scheme}", own_list_help=True)
                transcript = self.curl(sent, f"{scheme}://{harness.LOOPBACK}:{getattr(self.herald, port_name)}")
                if scheme == "smtp":
                    self.assertIn("> STARTTLS", transcript)
                self.assertRegex(transcript, r"> AUTH (PLAIN|LOGIN)", transcript)
                self.assertRegex(transcript, r"< 235 ", transcript)
                self.assert_captured(sent, queued_ids(transcript))


# -------------------------------------------------------------------------------------------------- relay mode

def sink_copy(path):
    """A message as smtp-sink dumped it (its own X-*/Received fields first, LF lines, one LF added at the
    end), turned back into the CRLF bytes it received."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.endswith(b"\n") or b"\r" in data:
        raise AssertionError(f"{path} is not in smtp-sink's dump format")
    return data[:-1].replace(b"\n", b"\r\n")


class PrivatePostfix:
    """A Postfix instance of its own (config_directory, queue_directory, log, one smtpd on a free port on
    127.0.0.1) relaying everything to relayhost [127.0.0.1]:<port> over TLS with SASL. Runs as root."""

    def __init__(self, relay_port, username, password, name="postfix"):
        self.name = name
        self.tmp = harness.make_temp_dir("herald-postfix-")
        os.chmod(self.tmp, 0o755)  # Postfix's daemons run as the postfix user
        self.config_dir = os.path.join(self.tmp, "etc")
        self.queue_dir = os.path.join(self.tmp, "spool")
        self.data_dir = os.path.join(self.tmp, "data")
        self.log_path = os.path.join(self.tmp, "log", "maillog")
        self.relay_port = relay_port
        self.username, self.password = username, password
        self.port = None
        self.master_pid = None
        self.started = False

    def _postfix(self, *args, timeout=60):
        return subprocess.run(["postfix", "-c", self.config_dir, *args], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout, text=True)

    def configure(self):
        for folder in (self.config_dir, self.queue_dir, self.data_dir, os.path.dirname(self.log_path)):
            os.makedirs(folder, exist_ok=True)
        shutil.chown(self.data_dir, "postfix", "postfix")
        self.port = harness.free_port()
        secrets_path = os.path.join(self.config_dir, "sasl_passwd")
        with open(secrets_path, "w") as f:
            f.write(f"[{harness.LOOPBACK}]:{self.relay_port} {self.username}:{self.password}\n")
        os.chmod(secrets_path, 0o600)
        main_cf = f"""# A private Postfix instance relaying through Herald (tests/integration/test_smtp_clients.py)
compatibility_level = 3.6
queue_directory = {self.queue_dir}
data_directory = {self.data_dir}
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix-client.shop.example
mydomain = shop.example
myorigin = $myhostname
mydestination =
local_recipient_maps =
local_transport = error:local delivery is disabled
alias_maps =
alias_database =
relay_domains =
mynetworks = 127.0.0.0/8
inet_interfaces = {harness.LOOPBACK}
inet_protocols = ipv4
smtpd_relay_restrictions = permit_mynetworks, reject
# Pass the client's message on as it is: no header rewriting, nothing added.
local_header_rewrite_clients =
always_add_missing_headers = no
relayhost = [{harness.LOOPBACK}]:{self.relay_port}
smtp_sasl_auth_enable = yes
smtp_sasl_password_maps = texthash:{secrets_path}
smtp_sasl_security_options = noanonymous
smtp_sasl_tls_security_options = noanonymous
smtp_tls_security_level = encrypt
smtp_tls_loglevel = 1
smtpd_tls_security_level = none
biff = no
maillog_file = {self.log_path}
maillog_file_prefixes = {self.tmp}
"""
        master_cf = f"""{harness.LOOPBACK}:{self.port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""
        with open(os.path.join(self.config_dir, "main.cf"), "w") as f:
            f.write(main_cf)
        with open(os.path.join(self.config_dir, "master.cf"), "w") as f:
            f.write(master_cf)

    def start(self, timeout=30):
        if os.geteuid() != 0:
            raise RuntimeError("a private Postfix instance needs root")
        self.configure()
        out = self._postfix("start")
        self.started = True
        if out.returncode != 0:
            raise RuntimeError(f"postfix start failed ({out.returncode}):\n{out.stdout}\n{self.log_tail()}")
        pid_file = os.path.join(self.queue_dir, "pid", "master.pid")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.master_pid is None and os.path.exists(pid_file):
                with open(pid_file) as f:
                    text = f.read().strip()
                self.master_pid = int(text) if text else None
            try:
                with socket.create_connection((harness.LOOPBACK, self.port), timeout=1):
                    if self.master_pid is not None:
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"postfix did not listen on {self.port} within {timeout} s:\n{self.log_tail()}")

    def log_text(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self):
        if not self.started:
            return
        self.started = False
        self._postfix("stop", timeout=60)
        if self.master_pid is None:
            return
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.kill(self.master_pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        try:  # still there: the master we started, and its process group (its own children only)
            os.killpg(self.master_pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def cleanup(self):
        self.stop()
        harness.remove_temp_dir(self.tmp)

    def log_tail(self, lines=40):
        return harness.tail(self.log_path, lines)

    def describe(self):
        return f"{self.name}: Postfix on {harness.LOOPBACK}:{self.port}, config {self.config_dir}, log {self.log_path}"


class RelayClientsTest(SmtpClientsTestCase):
    @classmethod
    def start_class(cls):
        cls.sink = cls.own_class(harness.SmtpSink(name="clients-sink")).start()
        cls.start_daemon({"delivery.mode": "relay", "delivery.relay": cls.sink.relay})

    def sink_file(self, sent, recipient, timeout=30):
        """The sink's file for this message to this recipient (it is complete once Herald saw 250)."""
        def find():
            found = []
            for path in self.sink.files():
                try:
                    with open(path, "rb") as f:
                        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parse(f)
                except FileNotFoundError:
                    continue
                if headers.get("X-Test-Token") == sent.token and \
                        str(headers.get("X-Rcpt-Args", "")).startswith(f"<{recipient}>"):
                    found.append(path)
            return found
        paths = harness.wait_until(find, timeout, what=f"the sink's copy of {sent.token} to {recipient}")
        self.assertEqual(len(paths), 1, f"{recipient} got {len(paths)} copies: {paths}")
        return paths[0]

    def assert_relayed(self, sent, ids):
        """Relay mode: every id delivered to the sink once, for its own recipient, and correct there."""
        for recipient, message in self.delivered_messages(sent, ids).items():
            path = self.sink_file(sent, recipient)
            self.assert_copy_correct(sink_copy(path), sent, f"{message['id']} to {recipient} at the sink ({path})")

    def test_smtplib_implicit_tls_three_recipients(self):
        recipients = ("jane@example.com", "john@example.net", "ops@example.org")
        sent = self.new_message("smtplib-ssl", recipients)
        with smtplib.SMTP_SSL(harness.LOOPBACK, self.herald.smtps_port, local_hostname="smtplib.shop.example",
                              context=ssl.create_default_context(cafile=self.cert), timeout=CLIENT_TIMEOUT) as smtp:
            smtp.ehlo()
            self.assertIn("LOGIN", smtp.esmtp_features.get("auth", "").upper().split(), smtp.esmtp_features)
            smtp.user, smtp.password = self.username, self.password
            self.assertEqual(smtp.auth("LOGIN", smtp.auth_login)[0], 235)
            self.assertEqual(smtp.mail(SENDER)[0], 250)
            for recipient in recipients:
                self.assertEqual(smtp.rcpt(recipient)[0], 250)
            code, reply = smtp.data(sent.raw)
        self.assertEqual(code, 250, reply)
        ids = queued_ids(f"{code} {reply.decode()}")
        self.assert_relayed(sent, ids)
        # Each message carried its own recipient only.
        for recipient in recipients:
            with open(self.sink_file(sent, recipient), "rb") as f:
                rcpt_args = [line for line in f.read().split(b"\n") if line.startswith(b"X-Rcpt-Args:")]
            self.assertEqual(len(rcpt_args), 1, rcpt_args)

    def test_postfix_relayhost_with_sasl(self):
        postfix = self.own(PrivatePostfix(self.herald.smtp_port, self.username, self.password)).start()
        recipient = "customer@example.com"
        sent = self.new_message("postfix", (recipient,), with_ids=True)
        # The application hands its message to its local Postfix, as it always did.
        with smtplib.SMTP(harness.LOOPBACK, postfix.port, local_hostname="app.shop.example",
                          timeout=CLIENT_TIMEOUT) as smtp:
            self.assertEqual(smtp.mail(SENDER)[0], 250)
            self.assertEqual(smtp.rcpt(recipient)[0], 250)
            code, reply = smtp.data(sent.raw)
            self.assertEqual(code, 250, reply)

        # Postfix relays it through Herald: TLS, SASL, and Herald's 250 naming the Herald id.
        def relayed():
            log = postfix.log_text()
            for line in log.splitlines():
                if f"to=<{recipient}>" in line and ("status=deferred" in line or "status=bounced" in line):
                    raise AssertionError(f"Postfix could not relay through Herald: {line}")
                if f"to=<{recipient}>" in line and "status=sent" in line:
                    return line
            return None
        line = harness.wait_until(relayed, 60, what="Postfix to relay the message through Herald")
        self.assertIn(f"relay=127.0.0.1[127.0.0.1]:{self.herald.smtp_port}", line)
        log = postfix.log_text()
        self.assertRegex(log, rf"TLS connection established to 127\.0\.0\.1\[127\.0\.0\.1\]:{self.herald.smtp_port}",
                         log[-3000:])
        self.assert_relayed(sent, queued_ids(line))
        # It really went through Postfix (its smtpd's Received field is in what reached the sink).
        with open(self.sink_file(sent, recipient), "rb") as f:
            self.assertIn(b"by postfix-client.shop.example (Postfix)", f.read().split(b"\n\n", 1)[0])


if __name__ == "__main__":
    harness.main()
