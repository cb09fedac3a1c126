#!/usr/bin/python3
"""A real authoritative DNS server for tests: NSD (Debian package nsd) serving one zone on a free loopback port,
from a temporary directory with its own configuration, zone file, pid file and log.

    dns = AuthoritativeDns("mx.test", '''
        @        IN SOA ns.mx.test. hostmaster.mx.test. 1 3600 600 86400 300
        @        IN NS  ns.mx.test.
        ns       IN A   127.0.0.1
        shop     IN MX  10 mx1.mx.test.
        mx1      IN A   127.0.0.2
    ''').start()
    ... Herald with --set dns.nameservers=127.0.0.1:{dns.port} ...
    dns.cleanup()

The zone text is written after "$ORIGIN <origin>." and "$TTL 300" lines; names not in it get NXDOMAIN, names
without records of the type asked get NODATA, and "MX 0 ." is a null MX (RFC 7505). NSD answers authoritatively
over UDP and TCP and does not recurse. start() raises with NSD's log when it cannot start (no silent skip).

The class has the interface tests/integration/harness.py's ProcessTestCase expects of what it owns (cleanup,
describe, log_tail). Run as a script to serve a zone file by hand: authoritative_dns.py ORIGIN ZONEFILE.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time

NSD = shutil.which("nsd", path="/usr/sbin:/usr/local/sbin:/usr/bin") or "/usr/sbin/nsd"
LOOPBACK = "127.0.0.1"


def free_udp_and_tcp_port(host=LOOPBACK):
    """A port free for both UDP and TCP on host just now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((host, 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((host, port))
                    return port
                except OSError:
                    continue
    raise RuntimeError("no port free for both UDP and TCP")


class AuthoritativeDns:
    def __init__(self, origin, zone_text, name="dns"):
        self.origin = origin.rstrip(".")
        self.zone_text = textwrap.dedent(zone_text).strip() + "\n"
        self.name = name
        self.tmp = tempfile.mkdtemp(prefix=f"herald-{name}-")
        self.log_path = os.path.join(self.tmp, "nsd.log")
        self.out_path = os.path.join(self.tmp, "nsd.out")
        self.proc = None
        self.port = None

    @property
    def nameserver(self):
        """The value of Herald's dns.nameservers for this server."""
        return f"{LOOPBACK}:{self.port}"

    def start(self, timeout=15):
        if not os.access(NSD, os.X_OK):
            raise RuntimeError(f"nsd not found at {NSD}: run scripts/install-deps.sh (Debian package nsd)")
        self._write_zone()
        failures = []
        for _ in range(3):  # another process may take the free port first
            self.port = free_udp_and_tcp_port()
            self._write_config()
            try:
                self._launch(timeout)
                return self
            except RuntimeError as e:
                failures.append(str(e))
                self.stop()
        raise RuntimeError("nsd did not start:\n" + "\n".join(failures))

    def replace_zone(self, zone_text, timeout=15):
        """Serves `zone_text` from now on (the server restarts on the same port: published and withdrawn records
        are seen by the next query)."""
        self.zone_text = textwrap.dedent(zone_text).strip() + "\n"
        self.stop()
        self._write_zone()
        self._launch(timeout)

    def _write_zone(self):
        with open(os.path.join(self.tmp, "test.zone"), "w") as f:
            f.write(f"$ORIGIN {self.origin}.\n$TTL 300\n{self.zone_text}")

    def _write_config(self):
        d = self.tmp
        with open(os.path.join(d, "nsd.conf"), "w") as f:
            f.write(textwrap.dedent(f"""\
                server:
                  ip-address: {LOOPBACK}@{self.port}
                  port: {self.port}
                  server-count: 1
                  username: ""
                  chroot: ""
                  zonesdir: "{d}"
                  database: ""
                  pidfile: "{d}/nsd.pid"
                  xfrdfile: "{d}/xfrd.state"
                  zonelistfile: "{d}/zone.list"
                  xfrdir: "{d}"
                  logfile: "{self.log_path}"
                  verbosity: 2
                  hide-version: yes
                remote-control:
                  control-enable: no
                zone:
                  name: "{self.origin}"
                  zonefile: "test.zone"
                """))

    def _launch(self, timeout):
        if os.path.exists(self.log_path):
            os.remove(self.log_path)
        out = open(self.out_path, "ab")
        self.proc = subprocess.Popen([NSD, "-d", "-c", os.path.join(self.tmp, "nsd.conf")], stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=out)
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nsd exited with status {self.proc.returncode}\n{self.log_tail()}")
            if "nsd started" in self._read(self.log_path):
                return
            time.sleep(0.02)
        raise RuntimeError(f"nsd did not say it started within {timeout} s\n{self.log_tail()}")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def cleanup(self):
        self.stop()
        if os.environ.get("HERALD_KEEP_TMP") != "1":
            shutil.rmtree(self.tmp, ignore_errors=True)

    @staticmethod
    def _read(path):
        try:
            with open(path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, lines=30):
        text = self._read(self.log_path) + self._read(self.out_path)
        return "\n".join(text.splitlines()[-lines:])

    def describe(self):
        state = "not started" if self.proc is None else ("running" if self.proc.poll() is None else
                                                         f"exited with status {self.proc.returncode}")
        return f"{self.name} ({state}): nsd for {self.origin} on {LOOPBACK}:{self.port}, folder {self.tmp}"


def main():
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} ORIGIN ZONEFILE")
    with open(sys.argv[2]) as f:
        dns = AuthoritativeDns(sys.argv[1], f.read()).start()
    print(f"serving {dns.origin} on {dns.nameserver}; Ctrl-C or SIGTERM stops", flush=True)
    # A script's background job ignores SIGINT, so scripts stop this with SIGTERM.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        dns.cleanup()


if __name__ == "__main__":
    main()
