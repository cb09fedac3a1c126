"""Reusable pieces of Herald's integration tests: the real daemon and real SMTP peers, on loopback.

- `Herald`: a temporary data directory, `herald init`, `herald serve` with --set options, readiness read
  from its log (with the ports of the SMTP relay and, when smtp.inbound.listen is set, of the inbound
  listener), kill -9 / SIGTERM / restart on the same data directory, and API clients.
- `ApiClient`: a keep-alive HTTP/1.1 client (http.client) answering (status, json, headers). One per thread.
- `SmtpSink`: Postfix's smtp-sink dumping every received message to a directory (-d), and the messages read
  back by header (Message-ID, …).
- `ScriptedSmtp`: tests/peers/scripted_smtp.py (aiosmtpd) answering by --reply rules; what it accepted.
  Both SMTP peers listen on a chosen loopback address and port when asked (several MX hosts on one port).
- `AuthoritativeDns` (tests/peers/authoritative_dns.py, re-exported): NSD serving a test zone on loopback.
- `ProcessTestCase`: a unittest.TestCase that stops every process it started, even when a test fails, and
  prints the tail of each one's log when a test failed.

Environment: HERALD_BIN (the herald binary; default build/herald in the source tree), HERALD_SOURCE_DIR,
HERALD_KEEP_TMP=1 keeps the temporary directories for a post-mortem.
Every process listens on loopback only (127.0.0.1 unless a test names another 127.x address). Run with /usr/bin/python3 (Debian's aiosmtpd belongs to it).
"""
import atexit
import collections
import email.parser
import email.policy
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

SOURCE_DIR = os.environ.get("HERALD_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
HERALD_BIN = os.environ.get("HERALD_BIN") or os.path.join(SOURCE_DIR, "build", "herald")
PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
LOOPBACK = "127.0.0.1"
KEEP_TMP = os.environ.get("HERALD_KEEP_TMP") == "1"

sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "peers"))
from authoritative_dns import AuthoritativeDns  # noqa: E402  (re-exported for the tests)

# Processes still running, stopped at interpreter exit if a test forgot them (belt and braces).
_LIVE = set()


def _stop_all_at_exit():
    for proc in list(_LIVE):
        _kill(proc)


atexit.register(_stop_all_at_exit)


def _kill(proc):
    if proc.poll() is None:
        try:
            proc.kill()
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    _LIVE.discard(proc)


def free_port():
    """A TCP port free on 127.0.0.1 right now (the caller binds it soon after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def free_port_on(hosts):
    """A TCP port free on every one of hosts (loopback addresses such as 127.0.0.2) right now."""
    for _ in range(100):
        port = free_port()
        if all(port_is_free(port, host) for host in hosts):
            return port
    raise RuntimeError(f"no TCP port free on all of {hosts}")


def port_is_free(port, host=LOOPBACK):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def wait_for_port(port, proc, timeout, what, host=LOOPBACK):
    """Waits until host:port accepts a connection; fails early if proc exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode} before listening on port {port}")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout} s")


def process_state(proc):
    """"running", "exited with status N" or "killed by SIGSEGV" (for failure reports)."""
    if proc is None:
        return "not started"
    code = proc.poll()
    if code is None:
        return "running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with status {code}"


def tail(path, lines=60):
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except OSError as e:
        return f"(cannot read {path}: {e})"
    return "\n".join(text.splitlines()[-lines:])


def wait_until(predicate, timeout, interval=0.2, what="condition"):
    """Polls predicate() until it returns a truthy value, which is returned; raises AssertionError at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def make_temp_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def remove_temp_dir(path):
    if path and not KEEP_TMP:
        shutil.rmtree(path, ignore_errors=True)


# ----------------------------------------------------------------------------------------------- API client

class ApiClient:
    """A keep-alive HTTP/1.1 client for Herald's API. Not thread-safe: one per thread."""

    def __init__(self, port, api_key=None, host=LOOPBACK, timeout=60):
        self.host, self.port, self.api_key, self.timeout = host, port, api_key, timeout
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, api_key=None, headers=None, retry=None):
        """Sends one request; answers (status, parsed JSON or None, {lower-cased header: value}).

        body: a dict/list (sent as JSON), str or bytes (sent as is), or None. api_key overrides the client's key;
        pass "" for no Authorization header. headers are added (and override). A request on a kept-alive
        connection the server closed meanwhile is retried once if retry is true (default: for GET/DELETE only,
        since a POST may have been acted on).
        """
        if retry is None:
            retry = method in ("GET", "HEAD", "DELETE")
        if isinstance(body, (dict, list)):
            payload = json.dumps(body).encode("utf-8")
        elif isinstance(body, str):
            payload = body.encode("utf-8")
        else:
            payload = body
        all_headers = {}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        key = self.api_key if api_key is None else api_key
        if key:
            all_headers["Authorization"] = f"Bearer {key}"
        all_headers.update(headers or {})
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=payload, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.BadStatusLine):
                self.close()
                if retry and reused and attempt == 1:
                    continue
                raise
            except Exception:
                self.close()
                raise
            response_headers = {k.lower(): v for k, v in response.getheaders()}
            if response.will_close:
                self.close()
            parsed = None
            if data:
                try:
                    parsed = json.loads(data)
                except ValueError:
                    parsed = {"_raw": data.decode("utf-8", "replace")}
            return response.status, parsed, response_headers
        raise AssertionError("unreachable")

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # Conveniences for the message API.
    def send(self, message, **kw):
        return self.post("/v1/messages", message, **kw)

    def message(self, message_id):
        status, body, _ = self.get(f"/v1/messages/{message_id}")
        if status != 200:
            raise AssertionError(f"GET /v1/messages/{message_id} answered {status} {body}")
        return body

    def list_all(self, path="/v1/messages", query="", page=200, key="messages"):
        """Follows next_cursor through every page; answers the concatenated list."""
        items, cursor = [], None
        for _ in range(10000):
            sep = "&" if query else ""
            q = f"{query}{sep}limit={page}" + (f"&cursor={cursor}" if cursor else "")
            status, body, _ = self.get(f"{path}?{q}")
            if status != 200:
                raise AssertionError(f"GET {path}?{q} answered {status} {body}")
            items.extend(body[key])
            cursor = body.get("next_cursor")
            if not cursor:
                return items
        raise AssertionError(f"{path}: more than 10000 pages")


def wait_for_statuses(client, ids, wanted=("delivered",), timeout=180, interval=0.5):
    """Polls GET /v1/messages/{id} until every id has a status in wanted; answers {id: message}.

    On timeout, raises AssertionError naming how many are missing and a few examples with their status."""
    pending = set(ids)
    done = {}
    deadline = time.monotonic() + timeout
    last = {}
    while pending:
        for message_id in list(pending):
            body = client.message(message_id)
            last[message_id] = body
            if body["status"] in wanted:
                done[message_id] = body
                pending.discard(message_id)
        if not pending:
            break
        if time.monotonic() >= deadline:
            examples = [(i, last[i]["status"], last[i].get("attempts")) for i in sorted(pending)[:5]]
            raise AssertionError(f"{len(pending)} of {len(ids)} messages not {'/'.join(wanted)} after {timeout} s; "
                                 f"e.g. {examples}")
        time.sleep(interval)
    return done


# ---------------------------------------------------------------------------------------------------- Herald

class Herald:
    """One Herald daemon on a temporary data directory. Call stop()/cleanup() (ProcessTestCase does)."""

    SERVING = re.compile(r"serving http://([0-9.]+):(\d+)")
    SERVING_SMTP = re.compile(r"serving smtp://[0-9.]+:(\d+)")
    SERVING_SMTPS = re.compile(r"serving smtps://[0-9.]+:(\d+)")
    SERVING_INBOUND = re.compile(r"serving inbound smtp://[0-9.]+:(\d+)")

    def __init__(self, sets=None, name="herald", port=0):
        """sets: {key: value} given as --set key=value. port 0 lets the daemon pick (read back from its log)."""
        if not os.access(HERALD_BIN, os.X_OK):
            raise RuntimeError(f"no herald binary at {HERALD_BIN} (set HERALD_BIN)")
        self.name = name
        self.sets = dict(sets or {})
        self.requested_port = port
        self.tmp = make_temp_dir(f"herald-{name}-")
        self.data_dir = os.path.join(self.tmp, "data")
        self.log_path = os.path.join(self.tmp, "herald.log")
        self.proc = None
        self.exit_expected = False
        self.port = None
        self.smtp_port = None   # the STARTTLS port, once started
        self.smtps_port = None  # the implicit-TLS port
        self.inbound_port = None  # the inbound listener (bounces, complaints), when smtp.inbound.listen is set
        self.account_id = None
        self.api_key = None
        self.starts = 0

    # -- set-up commands
    def init(self):
        out = subprocess.run([HERALD_BIN, "init", "--data-dir", self.data_dir, "--json"], capture_output=True,
                             text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"herald init failed ({out.returncode}): {out.stderr}")
        created = json.loads(out.stdout)
        self.account_id, self.api_key = created["account_id"], created["api_key"]
        return created

    def create_operator_key(self, name="test", scope="admin"):
        out = subprocess.run([HERALD_BIN, "api-keys", "create", "--data-dir", self.data_dir, "--name", name,
                              "--scope", scope, "--json"], capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"herald api-keys create failed ({out.returncode}): {out.stderr}")
        return json.loads(out.stdout)

    # -- the daemon
    def command(self):
        port = self.port if (self.port and self.requested_port) else self.requested_port
        args = [HERALD_BIN, "serve", "--data-dir", self.data_dir, "--set", f"http.listen={LOOPBACK}:{port}"]
        # The SMTP relay on ports the system picks (read back from the log), unless a test names them.
        for key in ("smtp.submission.listen", "smtp.submissions.listen"):
            if key not in self.sets:
                args += ["--set", f"{key}={LOOPBACK}:0"]
        # Tests that are not about sending domains send from unregistered ones (shop.example).
        if "domains.allow_unverified" not in self.sets:
            args += ["--set", "domains.allow_unverified=true"]
        for key, value in self.sets.items():
            args += ["--set", f"{key}={value}"]
        return args

    def start(self, timeout=60):
        """Starts `herald serve` and waits for its "serving http://…" log line."""
        if self.api_key is None:
            self.init()
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.starts += 1
        log = open(self.log_path, "ab")
        log.write(f"===== start {self.starts}: {' '.join(self.command())}\n".encode())
        log.flush()
        offset = log.tell()
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        self.exit_expected = False
        log.close()
        _LIVE.add(self.proc)
        deadline = time.monotonic() + timeout
        while True:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                text = f.read().decode("utf-8", "replace")
            match = self.SERVING.search(text)
            if match:
                self.port = int(match.group(2))
                smtp, smtps = self.SERVING_SMTP.search(text), self.SERVING_SMTPS.search(text)
                inbound = self.SERVING_INBOUND.search(text)
                self.smtp_port = int(smtp.group(1)) if smtp else None
                self.smtps_port = int(smtps.group(1)) if smtps else None
                self.inbound_port = int(inbound.group(1)) if inbound else None
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with status {self.proc.returncode} before serving:\n"
                                   f"{self.log_tail()}")
            if time.monotonic() >= deadline:
                raise RuntimeError(f"{self.name} did not log 'serving http://' within {timeout} s:\n"
                                   f"{self.log_tail()}")
            time.sleep(0.05)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        """SIGKILL: the crash. Answers once the process is gone."""
        self.exit_expected = True
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        _LIVE.discard(self.proc)
        return self.proc.returncode

    def terminate(self, timeout=120):
        """SIGTERM (graceful stop); answers the exit status. Raises if it does not exit within timeout."""
        self.exit_expected = True
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.name} did not exit within {timeout} s of SIGTERM:\n{self.log_tail()}")
        _LIVE.discard(self.proc)
        return code

    def restart(self, timeout=60):
        """Starts again on the same data directory (after kill9 or terminate)."""
        if self.running():
            self.terminate()
        return self.start(timeout)

    def unexpected_exit(self):
        """A description if the daemon ended without being told to (a crash), else None."""
        if self.proc is not None and self.proc.poll() is not None and not self.exit_expected:
            return f"{self.name} {process_state(self.proc)} on its own:\n{self.log_tail(20)}"
        return None

    def stop(self):
        if self.proc is not None:
            _kill(self.proc)

    def cleanup(self):
        self.stop()
        remove_temp_dir(self.tmp)

    def client(self, api_key=None, timeout=60):
        return ApiClient(self.port, self.api_key if api_key is None else api_key, timeout=timeout)

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_tail(self, lines=60):
        return tail(self.log_path, lines)

    def describe(self):
        return f"{self.name} ({process_state(self.proc)}): data {self.data_dir}, log {self.log_path}"


# -------------------------------------------------------------------------------------------------- smtp-sink

SMTP_SINK = "/usr/sbin/smtp-sink"


class SmtpSink:
    """Postfix's smtp-sink on 127.0.0.1, dumping each mail transaction to its own file (-d).

    smtp-sink deletes the file of a transaction that did not end with "." (disconnect mid-DATA) and closes a
    file before it answers 250 to the dot, so once Herald recorded a message delivered its file is complete.
    `-M` (stop after N messages) is not used: it cannot detect completion (bench/README.md).
    host and port choose where it listens (another loopback address such as 127.0.0.2 plays another MX host);
    port None picks a free one.
    """

    def __init__(self, name="sink", extra_args=(), host=LOOPBACK, port=None):
        self.name = name
        self.extra_args = list(extra_args)
        self.host = host
        self.requested_port = port
        self.tmp = make_temp_dir(f"herald-{name}-")
        # smtp-sink drops root privileges (-u nobody): its dump folder must be reachable and writable by nobody.
        os.chmod(self.tmp, 0o755)
        self.dump_dir = os.path.join(self.tmp, "dump")
        os.mkdir(self.dump_dir)
        os.chmod(self.dump_dir, 0o777)
        self.log_path = os.path.join(self.tmp, "smtp-sink.log")
        self.proc = None
        self.port = None

    def start(self, timeout=20):
        if not os.access(SMTP_SINK, os.X_OK):
            raise RuntimeError(f"{SMTP_SINK} is missing (Debian package postfix)")
        last_error = None
        for _ in range(5 if self.requested_port is None else 1):  # a free port may be taken before the bind
            self.port = self.requested_port or free_port()
            args = [SMTP_SINK, "-4"]
            if os.geteuid() == 0:
                args += ["-u", "nobody"]
            args += ["-d", os.path.join(self.dump_dir, "%Y%m%d%H%M%S."), *self.extra_args,
                     f"{self.host}:{self.port}", "256"]
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
            log.close()
            _LIVE.add(self.proc)
            try:
                wait_for_port(self.port, self.proc, timeout, "smtp-sink", self.host)
                return self
            except RuntimeError as e:
                last_error = e
                _kill(self.proc)
        raise RuntimeError(f"smtp-sink did not start: {last_error}\n{tail(self.log_path)}")

    @property
    def relay(self):
        return f"{self.host}:{self.port}"

    def files(self):
        return [os.path.join(self.dump_dir, n) for n in os.listdir(self.dump_dir)]

    def count(self):
        return len(os.listdir(self.dump_dir))

    def messages(self):
        """Every received message's headers (smtp-sink's X-* and Received, then the message's own), parsed."""
        parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
        out = []
        for path in self.files():
            try:
                with open(path, "rb") as f:
                    out.append(parser.parsebytes(f.read()))
            except FileNotFoundError:  # an unfinished transaction, deleted meanwhile
                continue
        return out

    def header_counts(self, name):
        """Counter of a header's values over every received message (Message-ID without its <>)."""
        counts = collections.Counter()
        for headers in self.messages():
            value = headers.get(name)
            if value is None:
                continue
            value = str(value).strip()
            if name.lower() == "message-id":
                value = value.strip("<>")
            counts[value] += 1
        return counts

    def message_ids(self):
        return self.header_counts("Message-ID")

    def stop(self):
        if self.proc is not None:
            _kill(self.proc)

    def cleanup(self):
        self.stop()
        remove_temp_dir(self.tmp)

    def log_tail(self, lines=30):
        return tail(self.log_path, lines)

    def describe(self):
        return f"{self.name} ({process_state(self.proc)}): smtp-sink on {self.relay}, dump {self.dump_dir}"


# ----------------------------------------------------------------------------------------- scripted smarthost

class ScriptedSmtp:
    """tests/peers/scripted_smtp.py (aiosmtpd) answering by --reply rules such as "DOT:1=451 4.3.0 Later" or
    "RCPT=550 5.1.1 No such user" (see its --help); accepted messages land in a dump folder."""

    SCRIPT = os.path.join(SOURCE_DIR, "tests", "peers", "scripted_smtp.py")

    def __init__(self, replies=(), extra_args=(), name="smarthost", host=LOOPBACK, port=0):
        """host and port: where it listens (port 0: a free one)."""
        self.name = name
        self.replies = list(replies)
        self.extra_args = list(extra_args)
        self.host = host
        self.requested_port = port
        self.tmp = make_temp_dir(f"herald-{name}-")
        self.port_file = os.path.join(self.tmp, "port")
        self.dump_dir = os.path.join(self.tmp, "dump")
        self.transcript_path = os.path.join(self.tmp, "transcript")
        self.log_path = os.path.join(self.tmp, "scripted_smtp.log")
        self.proc = None
        self.port = None

    def start(self, timeout=30):
        if not os.path.exists(self.SCRIPT):
            raise RuntimeError(f"{self.SCRIPT} is missing")
        os.makedirs(self.dump_dir, exist_ok=True)
        args = [PYTHON, self.SCRIPT, "--host", self.host, "--port", str(self.requested_port), "--port-file",
                self.port_file, "--dump-dir", self.dump_dir, "--transcript", self.transcript_path]
        for reply in self.replies:
            args += ["--reply", reply]
        args += self.extra_args
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        _LIVE.add(self.proc)
        try:
            wait_until(lambda: self.proc.poll() is not None or os.path.exists(self.port_file), timeout, 0.05,
                       "scripted_smtp.py to listen")
        except AssertionError:
            _kill(self.proc)
            raise
        if self.proc.poll() is not None:
            raise RuntimeError(f"scripted_smtp.py exited with {self.proc.returncode}:\n{tail(self.log_path)}")
        with open(self.port_file) as f:
            self.port = int(f.read().strip())
        return self

    @property
    def relay(self):
        return f"{self.host}:{self.port}"

    def messages(self):
        """Accepted messages, in order: [(headers parsed, envelope dict)]."""
        parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
        out = []
        for name in sorted(n for n in os.listdir(self.dump_dir) if n.endswith(".json")):
            with open(os.path.join(self.dump_dir, name), encoding="utf-8") as f:
                envelope = json.load(f)
            with open(os.path.join(self.dump_dir, name[:-5] + ".eml"), "rb") as f:
                out.append((parser.parsebytes(f.read()), envelope))
        return out

    def transcript(self):
        """Every command line received, as (connection, line)."""
        try:
            with open(self.transcript_path, encoding="utf-8", errors="replace") as f:
                return [tuple(line.rstrip("\n").split(" ", 1)) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            _kill(self.proc)

    def cleanup(self):
        self.stop()
        remove_temp_dir(self.tmp)

    def log_tail(self, lines=30):
        return tail(self.log_path, lines) + "\n(transcript)\n" + tail(self.transcript_path, lines)

    def describe(self):
        return f"{self.name} ({process_state(self.proc)}): scripted_smtp.py on {self.relay}, folder {self.tmp}"


# ------------------------------------------------------------------------------------------- load under crash

class BackgroundSender:
    """Threads that keep sending until stopped, each message's outcome recorded by a unique token, for tests
    that kill the daemon under load. Subclasses implement _work(), the loop each thread runs until
    self.stopping is set, recording into self.acked (token -> what the acknowledgement named) and
    self.unknown (tokens whose outcome a failure hid) under self.lock."""

    def __init__(self, threads, prefix="load"):
        self.run = f"{prefix}-{uuid.uuid4().hex[:8]}"
        self.lock = threading.Lock()
        self.acked = {}
        self.unknown = set()
        self.counter = 0
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._work, daemon=True) for _ in range(threads)]

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def stop(self, timeout=120):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=timeout)

    def acked_count(self):
        with self.lock:
            return len(self.acked)

    def next_token(self):
        """(n, a token unique to this run)."""
        with self.lock:
            self.counter += 1
            return self.counter, f"{self.run}-{self.counter}"

    def _work(self):
        raise NotImplementedError


def create_accounts(herald, names, **fields):
    """POST /v1/accounts with the operator's key for each name (and `fields`, e.g. pool="blue"); answers
    {name: the 201 body (with api_key)}."""
    operator = herald.client()
    try:
        accounts = {}
        for name in names:
            status, body, _ = operator.post("/v1/accounts", {"name": name, **fields})
            if status != 201:
                raise AssertionError(f"POST /v1/accounts answered {status} {body}")
            accounts[name] = body
        return accounts
    finally:
        operator.close()


# ------------------------------------------------------------------------------------------ SMTP relay client

def create_smtp_connection(client, **fields):
    """POST /v1/smtp-connections; answers the 201 body (with username and password). Fields override the
    defaults: name "test", domains ["shop.example"], list_help_url https://shop.example/help."""
    body = {"name": "test", "domains": ["shop.example"], "list_help_url": "https://shop.example/help"}
    body.update(fields)
    status, answer, _ = client.post("/v1/smtp-connections", body)
    if status != 201:
        raise AssertionError(f"POST /v1/smtp-connections answered {status} {answer}")
    return answer


class RawSmtp:
    """A line-level SMTP client for exact dialogues: send what a test says, read each reply whole.

    reply() answers (code, text of all lines joined by newlines); send_line() adds CRLF; send_raw() sends bytes as
    they are (smuggling payloads, long lines)."""

    def __init__(self, port, implicit_tls=False, timeout=30, source=None):
        """source: the loopback address to connect from (127.0.0.2, …), e.g. to be in a trusted network."""
        self.sock = socket.create_connection((LOOPBACK, port), timeout=timeout,
                                             source_address=(source, 0) if source else None)
        self.buffer = b""
        if implicit_tls:
            self._wrap()

    def _wrap(self):
        import ssl
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        self.sock = context.wrap_socket(self.sock, server_hostname="localhost")

    def starttls(self):
        """STARTTLS and the handshake; answers the 220 reply."""
        reply = self.command("STARTTLS")
        if reply[0] == 220:
            self._wrap()
        return reply

    def send_raw(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def send_line(self, line):
        self.send_raw((line if isinstance(line, bytes) else line.encode()) + b"\r\n")

    def reply(self):
        lines = []
        while True:
            while b"\r\n" not in self.buffer:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError(f"connection closed; got so far {lines!r} {self.buffer!r}")
                self.buffer += chunk
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            text = line.decode("utf-8", "replace")
            lines.append(text[4:])
            if len(text) < 4 or text[3] != "-":
                return int(text[:3]), "\n".join(lines)

    def command(self, line):
        self.send_line(line)
        return self.reply()

    def closed(self, timeout=10):
        """True when the server closes the connection (reads nothing more) within timeout."""
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(1) == b""
        except (ConnectionError, OSError):
            return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --------------------------------------------------------------------------------------------- test case base

class ProcessTestCase(unittest.TestCase):
    """Owns the processes a test starts: stops them all at the end even when the test (or setUpClass) fails,
    and on a failure prints the tail of each one's log. self.own(x) for one test; for the whole class,
    cls.own_class(x) in start_class() (which setUpClass calls)."""

    _class_owned = ()

    @classmethod
    def setUpClass(cls):
        """Calls cls.start_class() (override it, not this), printing the logs of what it started if it fails."""
        try:
            cls.start_class()
        except BaseException:
            for thing in cls._class_owned:
                sys.stderr.write(f"\n----- {thing.describe()}; last lines of its log:\n{thing.log_tail()}\n")
            raise

    @classmethod
    def start_class(cls):
        pass

    @classmethod
    def own_class(cls, thing):
        if "_class_owned" not in cls.__dict__:
            cls._class_owned = []
        cls._class_owned.append(thing)
        cls.addClassCleanup(thing.cleanup)  # runs even when setUpClass raises
        return thing

    def setUp(self):
        self._owned = []
        self.addCleanup(self._cleanup_owned)

    def own(self, thing):
        self._owned.append(thing)
        return thing

    def _cleanup_owned(self):
        crashed = [c for c in (getattr(t, "unexpected_exit", lambda: None)()
                               for t in list(self._class_owned) + self._owned) if c]
        if self._failed() or crashed:
            self.dump_logs()
        for thing in reversed(self._owned):
            thing.cleanup()
        if crashed:
            raise AssertionError("a daemon died during the test: " + "\n".join(crashed))

    def _failed(self):
        outcome = getattr(self, "_outcome", None)
        result = getattr(outcome, "result", None)
        if result is not None:  # Python 3.11 records failures (and subtest failures) as they happen
            for test, _ in list(result.failures) + list(result.errors):
                if test is self or getattr(test, "test_case", None) is self:
                    return True
        return any(exc for _, exc in (getattr(outcome, "errors", None) or []))  # Python < 3.11

    def dump_logs(self):
        for thing in list(self._class_owned) + list(getattr(self, "_owned", [])):
            sys.stderr.write(f"\n----- {thing.describe()}; last lines of its log:\n{thing.log_tail()}\n")
        sys.stderr.flush()


def main():
    unittest.main(verbosity=2)


def message(n, token, to="jane@example.com", **extra):
    """A small valid message carrying a unique token in its subject and in the X-Test-Token header."""
    body = {
        "from": "Shop <orders@shop.example>",
        "to": to,
        "subject": f"Order {n} [{token}]",
        "text": f"Thanks for order {n}.\n",
        "headers": {"X-Test-Token": token},
    }
    body.update(extra)
    return body


def send_concurrently(port, api_key, messages, threads=16):
    """Sends every message over threads keep-alive clients; answers a list of (token, status, body, headers)
    in the order of messages. Exceptions become status None with the exception in body."""
    results = [None] * len(messages)
    next_index = [0]
    lock = threading.Lock()

    def worker():
        client = ApiClient(port, api_key)
        try:
            while True:
                with lock:
                    i = next_index[0]
                    next_index[0] += 1
                if i >= len(messages):
                    return
                try:
                    status, body, headers = client.send(messages[i])
                except Exception as e:  # noqa: BLE001  (reported to the test)
                    status, body, headers = None, repr(e), {}
                results[i] = (status, body, headers)
        finally:
            client.close()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results
