#!/usr/bin/python3
"""The README's quick start, run for real: `scripts/run.sh` in the background (with HERALD_DATA_DIR in a
temporary folder), the API key it prints, then the README's curl example (its second ```sh block) run by bash.
run.sh listens on 127.0.0.1:8025, the README's port: CTest runs this test alone on it (RESOURCE_LOCK readme_port).
"""
import email
import email.policy
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time

import harness

README_PORT = 8025


def sh_blocks(markdown):
    return re.findall(r"^```sh\n(.*?)^```", markdown, flags=re.S | re.M)


def json_objects(text):
    """Every JSON object in text, in order (curl -s prints them one after another)."""
    decoder, objects, i = json.JSONDecoder(), [], 0
    while True:
        start = text.find("{", i)
        if start < 0:
            return objects
        obj, i = decoder.raw_decode(text, start)
        objects.append(obj)


class RunSh:
    """scripts/run.sh in its own process group, its output read line by line."""

    def __init__(self, data_dir):
        self.tmp = os.path.dirname(data_dir)
        self.log_path = os.path.join(self.tmp, "run.sh.log")
        env = dict(os.environ, HERALD_DATA_DIR=data_dir)
        env.pop("HERALD_LISTEN", None)
        self.lines = queue.Queue()
        self.output = []
        self.proc = subprocess.Popen(["bash", os.path.join(harness.SOURCE_DIR, "scripts", "run.sh")],
                                     cwd=harness.SOURCE_DIR, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        harness._LIVE.add(self.proc)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        with open(self.log_path, "ab") as log:
            for raw in self.proc.stdout:
                log.write(raw)
                log.flush()
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.output.append(line)
                self.lines.put(line)
        self.lines.put(None)

    def wait_for_line(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"run.sh printed no line matching {pattern!r} within {timeout} s")
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"run.sh ended (status {self.proc.wait()}) before printing {pattern!r}")
            match = re.search(pattern, line)
            if match:
                return match

    def terminate(self, timeout=60):
        """SIGTERM to run.sh itself (it forwards it to herald and waits); answers its exit status."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def cleanup(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # run.sh, herald, curl: the whole group
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
        else:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # anything it left behind
            except ProcessLookupError:
                pass
        harness._LIVE.discard(self.proc)
        self.reader.join(timeout=10)
        self.proc.stdout.close()
        harness.remove_temp_dir(self.tmp)

    def log_tail(self, lines=60):
        return harness.tail(self.log_path, lines)

    def describe(self):
        return "scripts/run.sh"


class ReadmeTest(harness.ProcessTestCase):
    def test_quick_start_and_curl_example(self):
        with open(os.path.join(harness.SOURCE_DIR, "README.md"), encoding="utf-8") as f:
            blocks = sh_blocks(f.read())
        self.assertGreaterEqual(len(blocks), 2, "README.md has fewer than two ```sh blocks")
        self.assertIn("scripts/run.sh", blocks[0])
        example = blocks[1]
        self.assertIn("curl", example)
        self.assertIn(f"127.0.0.1:{README_PORT}", example)

        if not harness.port_is_free(README_PORT):
            self.fail(f"port {README_PORT} on 127.0.0.1 is in use by another program; the README's quick start "
                      f"needs it (find it with: ss -ltnp 'sport = :{README_PORT}')")

        data_dir = os.path.join(harness.make_temp_dir("herald-readme-"), "data")
        run = self.own(RunSh(data_dir))
        key = run.wait_for_line(r"API key[^:]*:\s*(hk_\S+)", timeout=240).group(1)
        run.wait_for_line(r"Ctrl-C stops Herald", timeout=30)

        env = dict(os.environ, HERALD_API_KEY=key)
        done = subprocess.run(["bash", "-c", "set -e\n" + example], env=env, capture_output=True, text=True,
                              timeout=120, cwd=harness.SOURCE_DIR)
        self.assertEqual(done.returncode, 0, f"the README's example failed:\n{done.stdout}\n{done.stderr}")
        answers = json_objects(done.stdout)
        self.assertEqual(len(answers), 2, f"expected two JSON answers, got:\n{done.stdout}\n{done.stderr}")
        message, sandbox = answers
        self.assertNotIn("error", message, message)
        self.assertEqual(message["status"], "delivered",
                         f"the message is not delivered after the README's `sleep 1`: {message}")
        self.assertEqual([e["type"] for e in message["events"]], ["queued", "sent", "delivered"], message)
        self.assertEqual(message["subject"], "Your order 1001")
        self.assertEqual(sandbox["id"], message["id"])
        self.assertIn("raw", sandbox)
        mime = email.message_from_string(sandbox["raw"], policy=email.policy.default)
        self.assertEqual(mime["Subject"], "Your order 1001")
        html = mime.get_body(("html",))
        self.assertIsNotNone(html, sandbox["raw"])
        self.assertIn("<p>Thanks for your order!</p>", html.get_content())

        # The third block: an SMTP connection, and swaks sending through the relay on port 587.
        self.assertGreaterEqual(len(blocks), 3, "README.md has no SMTP relay example")
        done = subprocess.run(["bash", "-c", "set -e\n" + blocks[2]], env=env, capture_output=True, text=True,
                              timeout=120, cwd=harness.SOURCE_DIR)
        self.assertEqual(done.returncode, 0, f"the README's SMTP example failed:\n{done.stdout}\n{done.stderr}")
        queued = re.search(r"<~\s+250 2\.0\.0 Ok: queued as (msg_\w+)", done.stdout)
        self.assertIsNotNone(queued, done.stdout)
        client = harness.ApiClient(README_PORT, key)
        try:
            relayed = client.message(queued.group(1))
        finally:
            client.close()  # before the stop: a connection the server closes would hold its port in TIME_WAIT
        self.assertEqual(relayed["tags"], ["order-confirmation"], relayed)

        code = run.terminate()
        self.assertIn(code, (0, 143), f"run.sh exited with {code} on SIGTERM")
        self.assertTrue(harness.port_is_free(README_PORT), "herald still listens after run.sh stopped")


if __name__ == "__main__":
    harness.main()
