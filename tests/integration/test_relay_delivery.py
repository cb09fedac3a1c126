#!/usr/bin/python3
"""Relay delivery end to end: 1,000 messages sent over the API by 16 concurrent clients reach a real
smtp-sink exactly once each, and all read back as `delivered`, with the timeline queued → sent → delivered."""
import time
import uuid

import harness

TOTAL = 1000
CLIENT_THREADS = 16


class RelayDeliveryTest(harness.ProcessTestCase):
    def test_thousand_messages_delivered_exactly_once(self):
        sink = self.own(harness.SmtpSink()).start()
        herald = self.own(harness.Herald({"delivery.mode": "relay", "delivery.relay": sink.relay,
                                          "delivery.retry_initial": "1s", "delivery.retry_max": "2s"},
                                         name="relay")).start()
        run = uuid.uuid4().hex[:8]
        tokens = [f"relay-{run}-{n}" for n in range(TOTAL)]
        messages = [harness.message(n, token, to=f"customer{n}@example.com") for n, token in enumerate(tokens)]

        started = time.monotonic()
        results = harness.send_concurrently(herald.port, herald.api_key, messages, threads=CLIENT_THREADS)
        accepted_after = time.monotonic() - started

        not_accepted = [(tokens[i], r[0], r[1]) for i, r in enumerate(results) if r[0] != 202]
        self.assertFalse(not_accepted, f"{len(not_accepted)} of {TOTAL} sends not answered 202, e.g. {not_accepted[:5]}; "
                                       f"herald is {harness.process_state(herald.proc)}")
        ids = [r[1]["id"] for r in results]
        self.assertTrue(all(r[1]["status"] == "queued" for r in results))
        self.assertEqual(len(set(ids)), TOTAL, "message ids are not unique")

        client = herald.client()
        self.addCleanup(client.close)
        delivered = harness.wait_for_statuses(client, ids, ("delivered",), timeout=240)
        delivered_after = time.monotonic() - started

        # At the sink: every message exactly once, nothing else. smtp-sink closes a dump file before its 250.
        expected = {f"{message_id}@shop.example" for message_id in ids}
        received = sink.message_ids()
        missing = expected - set(received)
        duplicated = {mid: n for mid, n in received.items() if n > 1}
        unexpected = set(received) - expected
        self.assertEqual(missing, set(), f"{len(missing)} delivered messages never reached the sink")
        self.assertEqual(duplicated, {}, f"{len(duplicated)} messages reached the sink more than once")
        self.assertEqual(unexpected, set(), "the sink received messages nobody sent")
        # The token header and the envelope recipient travelled with each message.
        by_token = sink.header_counts("X-Test-Token")
        self.assertEqual(set(by_token), set(tokens))
        rcpts = sink.header_counts("X-Rcpt-Args")
        self.assertEqual(sum(rcpts.values()), TOTAL)
        self.assertTrue(any(r.startswith("<customer7@example.com>") for r in rcpts), rcpts.most_common(3))

        # Timeline of a delivered message: queued → sent → delivered, one attempt, the relay's 250 recorded.
        for message_id in (ids[0], ids[TOTAL // 2], ids[-1]):
            body = delivered[message_id]
            types = [e["type"] for e in body["events"]]
            self.assertEqual(types, ["queued", "sent", "delivered"], body)
            self.assertEqual(body["attempts"], 1, body)
            final = body["events"][-1]
            self.assertEqual(final["attempt"], 1, final)
            self.assertEqual(final["remote"]["code"], 250, final)
            self.assertIsNone(body["next_attempt_at"], body)
            self.assertEqual(body["from"], "Shop <orders@shop.example>")
            self.assertEqual(body["to"], body["to"].strip())
            self.assertRegex(body["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

        print(f"\n{TOTAL} messages: all 202 after {accepted_after:.1f} s "
              f"({TOTAL / accepted_after:.0f} msg/s accepted by {CLIENT_THREADS} clients); "
              f"all delivered and read back after {delivered_after:.1f} s")


if __name__ == "__main__":
    harness.main()
