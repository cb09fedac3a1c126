#!/usr/bin/python3
"""No acknowledged message is lost (DESIGN §5): clients keep sending while the daemon is killed (SIGKILL) or
stopped (SIGTERM) in the middle of its work; after a restart on the same data directory every message that got
a 202 is delivered to the smtp-sink. Duplicates: after SIGKILL at most delivery.concurrency (the attempts in
flight at the kill); after SIGTERM none. Campaign triggers carrying one attachment, which the store keeps once for
all of them, are killed the same way: every acknowledged message arrives with the attachment byte for byte."""
import base64
import email
import email.policy
import os
import time

import harness

CONCURRENCY = 8
SENDER_THREADS = 8


class Sender(harness.BackgroundSender):
    """API clients that keep sending until stopped; acked: token -> message id (answered 202)."""

    def __init__(self, herald, threads=SENDER_THREADS, request=lambda n, token: harness.message(n, token)):
        super().__init__(threads, prefix="crash")
        self.herald = herald
        self.request = request   # (n, token) -> the body of POST /v1/messages
        self.refused = 0         # connection refused: nothing was sent
        self.other = []          # (token, status, body): answered, but not 202

    def _work(self):
        client = None
        while not self.stopping.is_set():
            if client is None:
                client = harness.ApiClient(self.herald.port, self.herald.api_key, timeout=30)
            n, token = self.next_token()
            try:
                status, body, _ = client.send(self.request(n, token))
            except ConnectionRefusedError:
                with self.lock:
                    self.refused += 1
                client.close()
                client = None
                time.sleep(0.05)
                continue
            except Exception:  # noqa: BLE001  reset, timeout, … : the daemon may have stored it
                with self.lock:
                    self.unknown.add(token)
                client.close()
                client = None
                time.sleep(0.05)
                continue
            with self.lock:
                if status == 202:
                    self.acked[token] = body["id"]
                else:
                    self.other.append((token, status, body))
        if client is not None:
            client.close()


class CrashRecoveryTest(harness.ProcessTestCase):
    def start_pair(self, name):
        sink = self.own(harness.SmtpSink(name=f"{name}-sink")).start()
        herald = self.own(harness.Herald({"delivery.mode": "relay", "delivery.relay": sink.relay,
                                          "delivery.concurrency": CONCURRENCY,
                                          "delivery.retry_initial": "1s", "delivery.retry_max": "2s"},
                                         name=name)).start()
        return sink, herald

    def wait_queue_drained(self, herald, timeout=180):
        """Until no message of the account is queued or deferred (including ones whose 202 was lost)."""
        client = herald.client()
        self.addCleanup(client.close)

        def drained():
            return all(not client.list_all(query=f"status={s}") for s in ("queued", "deferred"))
        harness.wait_until(drained, timeout, 0.5, "the queue to drain")

    def check_sink(self, sink, sender):
        """Answers (missing acked tokens, {token: copies beyond the first}, tokens nobody sent)."""
        received = sink.header_counts("X-Test-Token")
        missing = set(sender.acked) - set(received)
        duplicates = {token: n - 1 for token, n in received.items() if n > 1}
        strangers = set(received) - set(sender.acked) - sender.unknown
        return missing, duplicates, strangers

    def test_sigkill_while_sending_loses_nothing_acknowledged(self):
        sink, herald = self.start_pair("kill9")
        sender = Sender(herald).start()
        try:
            harness.wait_until(lambda: sender.acked_count() >= 500, 180, 0.01, "500 acknowledged messages")
            at_kill_sink = sink.count()
            herald.kill9()  # sends are in flight: the senders are still running
        finally:
            sender.stop()
        acked_at_kill = len(sender.acked)
        print(f"\nkill -9 after {acked_at_kill} acknowledged messages ({at_kill_sink} already at the sink); "
              f"{len(sender.unknown)} requests in flight at the kill, {sender.refused} refused afterwards, "
              f"other answers: {sender.other[:5]}")
        self.assertEqual(sender.other, [], "answers other than 202 before the kill")

        herald.restart()
        self.assertRegex(herald.log_text(), r"\d+ messages resumed from the queue")
        client = herald.client()
        self.addCleanup(client.close)
        harness.wait_for_statuses(client, list(sender.acked.values()), ("delivered",), timeout=240)
        self.wait_queue_drained(herald)

        missing, duplicates, strangers = self.check_sink(sink, sender)
        extra_copies = sum(duplicates.values())
        print(f"after restart: all {acked_at_kill} acknowledged messages delivered; "
              f"{extra_copies} duplicate deliveries at the sink (bound: delivery.concurrency = {CONCURRENCY}); "
              f"{len([t for t in sender.unknown if t in sink.header_counts('X-Test-Token')])} of the "
              f"{len(sender.unknown)} unanswered sends were stored and delivered too")
        self.assertEqual(missing, set(), f"{len(missing)} acknowledged messages never reached the sink")
        self.assertEqual(strangers, set(), "the sink received messages nobody sent")
        self.assertLessEqual(extra_copies, CONCURRENCY,
                             f"more duplicates than attempts that can be in flight: {sorted(duplicates.items())[:10]}")

    def test_sigkill_while_triggering_with_a_shared_attachment_loses_nothing_acknowledged(self):
        sink, herald = self.start_pair("kill9-attachment")
        client = herald.client()
        self.addCleanup(client.close)
        for path, body in (("/v1/profile-tables", {"name": "contacts", "kind": "transactional", "attributes": []}),
                           ("/v1/campaigns", {"key": "terms", "name": "Terms", "profile_table": "contacts",
                                              "from": "Shop <orders@shop.example>", "subject": "Our terms",
                                              "html": "<p>Our terms are attached, {{data.n}}.</p>", "status": "active"})):
            status, answer, _ = client.post(path, body)
            self.assertEqual(status, 201, answer)
        terms = os.urandom(30_000)  # kept once: well over the 4 KiB under which a part stays in its body
        attachment = {"filename": "terms.pdf", "content_type": "application/pdf",
                      "content": base64.b64encode(terms).decode()}
        sender = Sender(herald, request=lambda n, token: {
            "campaign": "terms", "to": {"email": f"{token}@example.com"}, "data": {"n": n},
            "headers": {"X-Test-Token": token}, "attachments": [attachment]}).start()
        try:
            harness.wait_until(lambda: sender.acked_count() >= 300, 180, 0.01, "300 acknowledged triggers")
            herald.kill9()
        finally:
            sender.stop()
        self.assertEqual(sender.other, [], "answers other than 202 before the kill")

        herald.restart()
        client = herald.client()  # the restarted daemon listens on a port of its own
        self.addCleanup(client.close)
        harness.wait_for_statuses(client, list(sender.acked.values()), ("delivered",), timeout=240)
        self.wait_queue_drained(herald)
        missing, duplicates, strangers = self.check_sink(sink, sender)
        self.assertEqual(missing, set(), f"{len(missing)} acknowledged messages never reached the sink")
        self.assertEqual(strangers, set(), "the sink received messages nobody sent")
        self.assertLessEqual(sum(duplicates.values()), CONCURRENCY)
        for path in sink.files():
            with open(path, "rb") as f:
                message = email.message_from_binary_file(f, policy=email.policy.default)
            self.assertEqual([a.get_content() for a in message.iter_attachments()], [terms], path)
        print(f"\nkill -9 after {len(sender.acked)} acknowledged triggers; all delivered with the attachment intact")

    def test_sigterm_while_delivering_loses_nothing_and_duplicates_nothing(self):
        sink, herald = self.start_pair("sigterm")
        sender = Sender(herald).start()
        try:
            harness.wait_until(lambda: sender.acked_count() >= 300 and sink.count() > 0, 180, 0.01,
                               "300 acknowledged messages and deliveries under way")
            at_stop_sink = sink.count()
            code = herald.terminate(timeout=90)  # the senders keep sending while it shuts down
        finally:
            sender.stop()
        print(f"\nSIGTERM after {len(sender.acked)} acknowledged messages ({at_stop_sink} at the sink); exit status "
              f"{code}; {len(sender.unknown)} requests cut off, {sender.refused} refused, "
              f"{len(sender.other)} answered otherwise, e.g. {sender.other[:3]}")
        self.assertEqual(code, 0, herald.log_tail())
        self.assertIn("stopped", herald.log_tail(5))
        self.assertTrue(all(status == 503 for _, status, _ in sender.other),
                        f"answers during shutdown other than 202/503: {sender.other[:5]}")

        herald.restart()
        client = herald.client()
        self.addCleanup(client.close)
        harness.wait_for_statuses(client, list(sender.acked.values()), ("delivered",), timeout=240)
        self.wait_queue_drained(herald)

        missing, duplicates, strangers = self.check_sink(sink, sender)
        print(f"after restart: all {len(sender.acked)} acknowledged messages delivered, "
              f"{sum(duplicates.values())} duplicates")
        self.assertEqual(missing, set(), f"{len(missing)} acknowledged messages never reached the sink")
        self.assertEqual(duplicates, {}, "a graceful stop must not deliver anything twice")
        self.assertEqual(strangers, set(), "the sink received messages nobody sent")


if __name__ == "__main__":
    harness.main()
