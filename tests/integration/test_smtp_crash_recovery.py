#!/usr/bin/python3
"""Nothing the SMTP relay acknowledged is lost (issue 3, acceptance 3): clients pipeline messages (MAIL, RCPT
and DATA in one write, several transactions per session) while the daemon is killed with SIGKILL; after a
restart every message whose final dot got a 250 is delivered to a real smtp-sink."""
import time

import harness

DOMAIN = "shop.example"
SESSIONS = 6
PER_SESSION = 20


class PipelinedSender(harness.BackgroundSender):
    """SMTP clients that each run sessions of PER_SESSION pipelined transactions until stopped;
    acked: token -> the two message ids the final dot's 250 named."""

    def __init__(self, port, address):
        super().__init__(SESSIONS, prefix="smtp")
        self.port, self.address = port, address
        self.refused = []     # (token, code, text): answered, but not 250

    def _session(self):
        smtp = harness.RawSmtp(self.port, source=self.address)
        assert smtp.reply()[0] == 220
        assert smtp.command("EHLO pipeliner.test")[0] == 250
        return smtp

    def _work(self):
        while not self.stopping.is_set():
            try:
                smtp = self._session()
            except OSError:
                time.sleep(0.05)  # the daemon is down
                continue
            token = None
            try:
                for _ in range(PER_SESSION):
                    if self.stopping.is_set():
                        break
                    _, token = self.next_token()
                    # RFC 2920: MAIL, RCPT and DATA go in one write; the content follows the 354.
                    smtp.send_raw(f"MAIL FROM:<orders@{DOMAIN}>\r\nRCPT TO:<a@example.com>\r\n"
                                  f"RCPT TO:<b@example.com>\r\nDATA\r\n".encode())
                    replies = [smtp.reply() for _ in range(4)]
                    assert [r[0] for r in replies] == [250, 250, 250, 354], replies
                    smtp.send_raw((f"From: <orders@{DOMAIN}>\r\nTo: a@example.com, b@example.com\r\n"
                                   f"Subject: {token}\r\nX-Test-Token: {token}\r\n\r\nbody\r\n.\r\n").encode())
                    code, text = smtp.reply()
                    with self.lock:
                        if code == 250:
                            self.acked[token] = text.split("queued as ")[1].split()[:2]
                        else:
                            self.refused.append((token, code, text))
                    token = None
                smtp.command("QUIT")
            except (OSError, ConnectionError, AssertionError, IndexError):
                if token is not None:
                    with self.lock:
                        self.unknown.add(token)
            finally:
                smtp.close()


class SmtpCrashRecoveryTest(harness.ProcessTestCase):
    def test_sigkill_during_pipelined_sessions_loses_nothing_acknowledged(self):
        sink = self.own(harness.SmtpSink(name="smtp-kill9-sink")).start()
        herald = self.own(harness.Herald({"delivery.mode": "relay", "delivery.relay": sink.relay,
                                          "delivery.retry_initial": "1s", "delivery.retry_max": "2s"},
                                         name="smtp-kill9")).start()
        api = herald.client()
        self.addCleanup(api.close)
        harness.create_smtp_connection(api, name="pipeliner", trusted_networks=["127.0.0.4/32"], require_tls=False)

        sender = PipelinedSender(herald.smtp_port, "127.0.0.4").start()
        try:
            harness.wait_until(lambda: sender.acked_count() >= 300, 180, 0.01, "300 acknowledged messages")
            herald.kill9()
        finally:
            sender.stop()
        acked = dict(sender.acked)
        print(f"\nkill -9 after {len(acked)} acknowledged SMTP messages (2 recipients each); "
              f"{len(sender.unknown)} transactions cut off by the kill")
        self.assertEqual(sender.refused, [], "replies other than 250 before the kill")

        herald.restart()
        api = herald.client()  # the restarted daemon has picked new ports
        self.addCleanup(api.close)
        ids = [message_id for pair in acked.values() for message_id in pair]
        self.assertEqual(len(ids), 2 * len(acked), "each 250 names one id per recipient")
        harness.wait_for_statuses(api, ids, ("delivered",), timeout=240)

        received = sink.header_counts("X-Test-Token")
        missing = set(acked) - set(received)
        self.assertEqual(missing, set(), f"{len(missing)} acknowledged messages never reached the sink")
        strangers = set(received) - set(acked) - sender.unknown
        self.assertEqual(strangers, set(), "the sink received messages nobody sent")


if __name__ == "__main__":
    harness.main()
