#!/usr/bin/python3
"""Kill -9 during heavy MX delivery (issue 4, acceptance 3): API clients keep sending to a domain whose MX (served by
a real NSD on loopback) is Postfix's smtp-sink, while delivery.mode = mx delivers; the daemon is killed with SIGKILL
in the middle of it. After a restart every acknowledged message is delivered; the only duplicates are messages whose
remote 250 arrived before the kill but whose outcome was not yet recorded, so they are at most the attempts that
can be in flight (delivery.concurrency). The count is printed."""
import time

import harness

CONCURRENCY = 8
ZONE = """
@         IN SOA ns.crash.test. hostmaster.crash.test. 1 3600 600 86400 300
@         IN NS  ns.crash.test.
ns        IN A   127.0.0.1
shop      IN MX  10 mx
mx        IN A   127.0.0.2
"""


class Sender(harness.BackgroundSender):
    """API clients sending to <n>@shop.crash.test until stopped; acked: token -> message id (answered 202)."""

    def __init__(self, herald, threads=6):
        super().__init__(threads, prefix="mxcrash")
        self.herald = herald

    def _work(self):
        client = None
        while not self.stopping.is_set():
            if client is None:
                client = harness.ApiClient(self.herald.port, self.herald.api_key, timeout=30)
            n, token = self.next_token()
            try:
                status, body, _ = client.send(harness.message(n, token, to=f"user{n}@shop.crash.test"))
            except Exception:  # noqa: BLE001  reset, refused, timeout: the daemon may have stored it
                with self.lock:
                    self.unknown.add(token)
                client.close()
                client = None
                time.sleep(0.05)
                continue
            if status == 202:
                with self.lock:
                    self.acked[token] = body["id"]
        if client is not None:
            client.close()


class MxCrashRecoveryTest(harness.ProcessTestCase):
    def test_sigkill_during_mx_delivery_loses_nothing_acknowledged(self):
        dns = self.own(harness.AuthoritativeDns("crash.test", ZONE)).start()
        port = harness.free_port_on(["127.0.0.2"])
        sink = self.own(harness.SmtpSink(name="mx-crash-sink", host="127.0.0.2", port=port)).start()
        herald = self.own(harness.Herald({
            "delivery.mode": "mx", "delivery.smtp_port": str(port), "dns.nameservers": dns.nameserver,
            "delivery.concurrency": str(CONCURRENCY), "delivery.site_concurrency": str(CONCURRENCY),
            "delivery.retry_initial": "1s", "delivery.retry_max": "2s"}, name="mx-crash")).start()

        sender = Sender(herald).start()
        try:
            harness.wait_until(lambda: sender.acked_count() >= 500 and sink.count() >= 100, 180, 0.01,
                               "500 acknowledged messages and 100 delivered")
            at_kill = sink.count()
            herald.kill9()
        finally:
            sender.stop()
        acked = dict(sender.acked)

        herald.restart()
        client = herald.client()
        self.addCleanup(client.close)
        harness.wait_for_statuses(client, list(acked.values()), ("delivered",), timeout=240)

        received = sink.header_counts("X-Test-Token")
        missing = set(acked) - set(received)
        duplicates = {token: n - 1 for token, n in received.items() if n > 1}
        strangers = set(received) - set(acked) - sender.unknown
        print(f"\nkill -9 after {len(acked)} acknowledged messages, {at_kill} of them already at the sink; "
              f"after restart all delivered; {sum(duplicates.values())} duplicate deliveries "
              f"(bound: delivery.concurrency = {CONCURRENCY}); {len(sender.unknown)} requests cut off by the kill")
        self.assertEqual(missing, set(), f"{len(missing)} acknowledged messages never reached the MX")
        self.assertEqual(strangers, set(), "the MX received messages nobody sent")
        self.assertLessEqual(sum(duplicates.values()), CONCURRENCY,
                             f"more duplicates than attempts that can be in flight: {sorted(duplicates.items())[:10]}")


if __name__ == "__main__":
    harness.main()
