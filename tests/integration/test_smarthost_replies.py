#!/usr/bin/python3
"""What the smarthost answers becomes the message's status and timeline: a 451 then a 250 → deferred, then
delivered on the retry; a 550 5.1.1 at RCPT → failed at once, with the remote reply recorded. Each test has its
own scripted smarthost (tests/peers/scripted_smtp.py) and its own daemon, retrying after 1 s."""
import harness

RETRY = {"delivery.retry_initial": "1s", "delivery.retry_max": "2s"}


class SmarthostRepliesTest(harness.ProcessTestCase):
    def start(self, *replies):
        self.smarthost = self.own(harness.ScriptedSmtp(replies)).start()
        self.herald = self.own(harness.Herald({"delivery.mode": "relay", "delivery.relay": self.smarthost.relay,
                                               "log.level": "debug", **RETRY}, name="smarthost")).start()
        self.client = self.herald.client()
        self.addCleanup(self.client.close)

    def send_and_wait(self, to, subject, timeout=90):
        status, body, _ = self.client.send({"from": "Shop <orders@shop.example>", "to": to, "subject": subject,
                                            "text": "Hello"})
        self.assertEqual(status, 202, body)
        message_id = body["id"]
        final = harness.wait_for_statuses(self.client, [message_id], ("delivered", "failed"), timeout)[message_id]
        return message_id, final

    def test_451_then_250_is_deferred_then_delivered(self):
        self.start("DOT:1=451 4.3.0 Temporary local problem, try again later")
        message_id, body = self.send_and_wait("jane@example.com", "deferred once")
        self.assertEqual(body["status"], "delivered", body)
        self.assertEqual([e["type"] for e in body["events"]], ["queued", "sent", "deferred", "delivered"], body)
        deferred, delivered = body["events"][2], body["events"][3]
        self.assertEqual(deferred["attempt"], 1, deferred)
        self.assertEqual(deferred["remote"]["code"], 451, deferred)
        self.assertEqual(deferred["remote"]["enhanced_code"], "4.3.0", deferred)
        self.assertIn("Temporary local problem", deferred["remote"]["text"], deferred)
        self.assertTrue(deferred.get("next_attempt_at"), deferred)
        self.assertEqual(delivered["attempt"], 2, delivered)
        self.assertEqual(delivered["remote"]["code"], 250, delivered)
        self.assertEqual(body["attempts"], 2, body)
        self.assertIsNone(body["next_attempt_at"], body)
        # The smarthost accepted it once (the 451 came after the content, so it is not in its dump).
        accepted = [h["Message-ID"].strip("<>") for h, _ in self.smarthost.messages()]
        self.assertEqual(accepted, [f"{message_id}@shop.example"])

    def test_450_at_rcpt_twice_then_delivered(self):
        self.start("RCPT:1=450 4.2.1 Mailbox busy, try later", "RCPT:2=450 4.2.1 Mailbox busy, try later")
        message_id, body = self.send_and_wait("jane@example.com", "deferred twice at RCPT")
        self.assertEqual(body["status"], "delivered", body)
        self.assertEqual([e["type"] for e in body["events"]],
                         ["queued", "sent", "deferred", "deferred", "delivered"], body)
        for attempt, event in enumerate(body["events"][2:4], start=1):
            self.assertEqual(event["attempt"], attempt, event)
            self.assertEqual(event["remote"]["code"], 450, event)
            self.assertEqual(event["remote"]["enhanced_code"], "4.2.1", event)
        self.assertEqual(body["attempts"], 3, body)
        rcpts = [line for _, line in self.smarthost.transcript() if line.upper().startswith("RCPT TO:")]
        self.assertEqual(len(rcpts), 3, rcpts)

    def test_550_at_rcpt_fails_with_the_remote_reply(self):
        self.start("RCPT=550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual "
                   "mailbox table")
        message_id, body = self.send_and_wait("nobody@example.com", "to nobody")
        self.assertEqual(body["status"], "failed", body)
        self.assertEqual([e["type"] for e in body["events"]], ["queued", "sent", "failed"], body)
        failed = body["events"][-1]
        self.assertEqual(failed["attempt"], 1, failed)
        remote = failed["remote"]
        self.assertEqual(remote["code"], 550, failed)
        self.assertEqual(remote["enhanced_code"], "5.1.1", failed)
        self.assertIn("Recipient address rejected: User unknown", remote["text"], failed)
        self.assertIn("host", remote, failed)
        self.assertEqual(body["attempts"], 1, body)
        self.assertIsNone(body["next_attempt_at"], body)
        self.assertIn(message_id, [m["id"] for m in self.client.list_all(query="status=failed")])
        self.assertEqual(self.smarthost.messages(), [])
        # Failed is final: one RCPT only (a retry would have shown up by the time the message read as failed,
        # and the queue holds nothing for it).
        rcpts = [line for _, line in self.smarthost.transcript() if line.upper().startswith("RCPT TO:")]
        self.assertEqual(len(rcpts), 1, rcpts)

    def test_554_after_the_content_fails(self):
        self.start("DOT=554 Transaction failed: content rejected")
        _, body = self.send_and_wait("jane@example.com", "rejected content")
        self.assertEqual(body["status"], "failed", body)
        failed = body["events"][-1]
        self.assertEqual((failed["type"], failed["remote"]["code"]), ("failed", 554), failed)
        self.assertFalse(failed["remote"].get("enhanced_code"), failed)
        self.assertIn("content rejected", failed["remote"]["text"], failed)


if __name__ == "__main__":
    harness.main()
