#!/usr/bin/python3
"""Queue administration against a real daemon and real peers on loopback: GET /v1/queue (counts by site and
state), POST /v1/messages/{id}/retry, DELETE /v1/messages/{id} (cancel), and `herald queue …`, the CLI over them.

NSD serves the zone q.test; each MX host is a real SMTP server on its own loopback address, all on one port:
  greylist  → mx-grey (127.0.0.2, scripted_smtp.py): 451 to the first message's dot, then 250
  later     → mx-later (127.0.0.3, scripted_smtp.py): 451 to every dot
  slow      → mx-slow (127.0.0.4, Postfix smtp-sink -w 4): four seconds before answering DATA
  fast      → mx-fast (127.0.0.5, smtp-sink)
  cli       → mx-cli (127.0.0.6, scripted_smtp.py): 451 to the first dot, then 250
Deferred messages wait an hour (delivery.retry_initial), so only a retry brings them back within a test. One
delivery slot per site (delivery.site_concurrency = 1) keeps the slow site's later messages in its ready queue.
"""
import json
import os
import subprocess
import time
import uuid

import harness

ZONE = """
@         IN SOA ns.q.test. hostmaster.q.test. 1 3600 600 86400 300
@         IN NS  ns.q.test.
ns        IN A   127.0.0.1
greylist  IN MX  10 mx-grey
mx-grey   IN A   127.0.0.2
later     IN MX  10 mx-later
mx-later  IN A   127.0.0.3
slow      IN MX  10 mx-slow
mx-slow   IN A   127.0.0.4
fast      IN MX  10 mx-fast
mx-fast   IN A   127.0.0.5
cli       IN MX  10 mx-cli
mx-cli    IN A   127.0.0.6
"""

ADDRESSES = [f"127.0.0.{n}" for n in range(2, 7)]
FINAL = ("delivered", "bounced", "failed", "cancelled")


class QueueAdminTest(harness.ProcessTestCase):
    @classmethod
    def start_class(cls):
        cls.dns = cls.own_class(harness.AuthoritativeDns("q.test", ZONE)).start()
        port = harness.free_port_on(ADDRESSES)

        def scripted(name, host, *replies):
            return cls.own_class(harness.ScriptedSmtp(replies, name=name, host=host, port=port)).start()

        cls.grey = scripted("mx-grey", "127.0.0.2", "DOT:1=451 4.7.1 Greylisted, try again later")
        cls.later = scripted("mx-later", "127.0.0.3", "DOT=451 4.3.0 Try again later")
        cls.slow = cls.own_class(harness.SmtpSink(name="mx-slow", extra_args=["-w", "4"], host="127.0.0.4",
                                                  port=port)).start()
        cls.fast = cls.own_class(harness.SmtpSink(name="mx-fast", host="127.0.0.5", port=port)).start()
        cls.cli_mx = scripted("mx-cli", "127.0.0.6", "DOT:1=451 4.7.1 Greylisted, try again later")
        cls.herald = cls.own_class(harness.Herald({
            "delivery.mode": "mx", "delivery.smtp_port": str(port), "dns.nameservers": cls.dns.nameserver,
            "delivery.site_concurrency": "1", "delivery.concurrency": "4",
            "delivery.retry_initial": "1h", "delivery.retry_max": "2h", "log.level": "debug"}, name="queue")).start()

    def setUp(self):
        super().setUp()
        self.client = self.herald.client()
        self.addCleanup(self.client.close)

    def send(self, to, client=None):
        token = uuid.uuid4().hex[:12]
        status, body, _ = (client or self.client).send(harness.message(0, token, to=to))
        self.assertEqual(status, 202, body)
        return body["id"]

    def wait_status(self, message_id, wanted, timeout=60):
        return harness.wait_for_statuses(self.client, [message_id], wanted, timeout)[message_id]

    def queue(self):
        status, body, _ = self.client.get("/v1/queue?limit=1000")
        self.assertEqual(status, 200, body)
        return body

    def site(self, name):
        """The queue's entry for one site (all counts 0 when it has no messages)."""
        for site in self.queue()["sites"]:
            if site["site"] == name:
                return site
        return {"site": name, "messages": 0, "queued": 0, "deferred": 0, "routing": 0, "ready": 0, "in_flight": 0,
                "domains": []}

    def retry(self, message_id, client=None):
        return (client or self.client).post(f"/v1/messages/{message_id}/retry")

    def cancel(self, message_id, client=None):
        return (client or self.client).delete(f"/v1/messages/{message_id}")

    def types(self, message):
        return [e["type"] for e in message["events"]]

    def test_counts_then_retry_delivers_a_deferred_message_now(self):
        message_id = self.send("jane@greylist.q.test")
        deferred = self.wait_status(message_id, ("deferred",))
        self.assertEqual(self.types(deferred), ["queued", "sent", "deferred"], deferred)

        site = self.site("mx-grey.q.test")
        self.assertEqual((site["deferred"], site["messages"]), (1, 1), site)
        self.assertEqual(site["domains"], [{"domain": "greylist.q.test", "messages": 1}], site)
        queue = self.queue()
        self.assertGreaterEqual(queue["total"]["deferred"], 1, queue)
        self.assertGreater(queue["scheduler"]["ticks"], 0, queue)
        self.assertGreaterEqual(queue["scheduler"]["held"], 1, queue)

        # The next attempt would be an hour away; a retry makes it now.
        status, body, _ = self.retry(message_id)
        self.assertEqual((status, body), (202, {"id": message_id, "status": "deferred"}))
        delivered = self.wait_status(message_id, FINAL, timeout=30)
        self.assertEqual(delivered["status"], "delivered", delivered)
        self.assertEqual(self.types(delivered), ["queued", "sent", "deferred", "delivered"], delivered)
        self.assertEqual([h["Message-ID"].strip("<>") for h, _ in self.grey.messages()], [f"{message_id}@shop.example"])
        self.assertEqual(self.site("mx-grey.q.test")["messages"], 0)

    def test_cancel_of_a_deferred_message(self):
        message_id = self.send("jane@later.q.test")
        self.wait_status(message_id, ("deferred",))
        waiting = self.site("mx-later.q.test")["deferred"]
        self.assertGreaterEqual(waiting, 1)

        status, body, _ = self.cancel(message_id)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "cancelled", body)
        self.assertIsNone(body["next_attempt_at"], body)
        self.assertEqual(self.types(body), ["queued", "sent", "deferred", "cancelled"], body)
        self.assertTrue(body["events"][-1]["api_key"].startswith("key_"), body)
        self.assertEqual(self.client.message(message_id)["status"], "cancelled")
        self.assertEqual(self.site("mx-later.q.test")["deferred"], waiting - 1)
        self.assertIn(message_id, [m["id"] for m in self.client.list_all(query="status=cancelled")])

        status, body, _ = self.cancel(message_id)
        self.assertEqual((status, body["error"]["code"]), (409, "not_cancellable"), body)
        self.assertIn("cancelled", body["error"]["message"])
        status, body, _ = self.retry(message_id)
        self.assertEqual((status, body["error"]["code"]), (409, "not_retryable"), body)
        self.assertEqual(self.later.messages(), [], "mx-later accepted a message")

    def test_cancel_withdraws_waiting_messages_and_refuses_one_mid_attempt(self):
        ids = [self.send(f"customer{n}@slow.q.test") for n in range(3)]
        # One attempt at a time to the slow site: one in flight (its DATA takes 4 s), two in the ready queue.
        harness.wait_until(lambda: (lambda s: s["in_flight"] == 1 and s["ready"] == 2)(self.site("mx-slow.q.test")),
                           20, 0.05, "one slow attempt under way and two waiting")
        retried = [self.retry(i) for i in ids]
        cancelled = [self.cancel(i) for i in ids]

        in_flight = [i for i, (status, body, _) in zip(ids, cancelled) if status == 409]
        self.assertEqual(len(in_flight), 1, cancelled)
        attempted = in_flight[0]
        for i, (status, body, _) in zip(ids, cancelled):
            if i == attempted:
                self.assertEqual(body["error"]["code"], "message_in_flight", body)
            else:
                self.assertEqual((status, body["status"]), (200, "cancelled"), body)
                self.assertEqual(self.types(body), ["queued", "cancelled"], body)
        # Retrying a message that waits for its slot changes nothing (it is due already); mid-attempt is refused.
        for i, (status, body, _) in zip(ids, retried):
            expected = (409, "message_in_flight") if i == attempted else (202, None)
            self.assertEqual((status, body.get("error", {}).get("code")), expected, body)

        self.assertEqual(self.wait_status(attempted, FINAL, timeout=30)["status"], "delivered")
        # The cancelled ones were never sent: give delivery time to reach them if they were still queued.
        time.sleep(6)
        received = self.slow.message_ids()
        self.assertEqual(set(received), {f"{attempted}@shop.example"}, received)
        for i in ids:
            if i != attempted:
                self.assertEqual(self.client.message(i)["status"], "cancelled")
        self.assertEqual(self.site("mx-slow.q.test")["messages"], 0)

    def test_a_delivered_message_can_be_neither_cancelled_nor_retried(self):
        message_id = self.send("jane@fast.q.test")
        self.assertEqual(self.wait_status(message_id, FINAL)["status"], "delivered")
        status, body, _ = self.cancel(message_id)
        self.assertEqual((status, body["error"]["code"]), (409, "not_cancellable"), body)
        self.assertIn("delivered", body["error"]["message"])
        status, body, _ = self.retry(message_id)
        self.assertEqual((status, body["error"]["code"]), (409, "not_retryable"), body)
        self.assertEqual(self.client.message(message_id)["status"], "delivered")
        self.assertEqual(self.fast.message_ids(), {f"{message_id}@shop.example": 1})

    def test_tenancy_and_rights(self):
        message_id = self.send("jane@later.q.test")
        self.wait_status(message_id, ("deferred",))
        other = harness.create_accounts(self.herald, ["Other shop"])["Other shop"]
        other_client = self.herald.client(other["api_key"])
        self.addCleanup(other_client.close)

        # Another account's message is not found, exactly like one that does not exist; nothing changes.
        for call in (self.cancel, self.retry):
            status, body, _ = call(message_id, client=other_client)
            self.assertEqual((status, body["error"]["code"]), (404, "not_found"), body)
            status, body, _ = call("msg_doesnotexist")
            self.assertEqual((status, body["error"]["code"]), (404, "not_found"), body)
        self.assertEqual(self.client.message(message_id)["status"], "deferred")

        # The whole queue is the operator's: not another account's admin key, not a send key, not without a key.
        status, body, _ = other_client.get("/v1/queue")
        self.assertEqual((status, body["error"]["code"]), (403, "forbidden"), body)
        send_key = self.herald.create_operator_key(name="sender", scope="send")["api_key"]
        status, body, _ = self.client.get("/v1/queue", api_key=send_key)
        self.assertEqual((status, body["error"]["code"]), (403, "forbidden"), body)
        status, body, _ = self.client.get("/v1/queue", api_key="")
        self.assertEqual((status, body["error"]["code"]), (401, "unauthenticated"), body)
        status, body, _ = self.client.get("/v1/queue?limit=0")
        self.assertEqual((status, body["error"]["field"]), (422, "limit"), body)

        # The account's own send key may cancel its message.
        other_id = self.send("joe@later.q.test", client=other_client)
        self.wait_status_of(other_client, other_id, "deferred")
        status, body, _ = self.cancel(other_id, client=other_client)
        self.assertEqual((status, body["status"]), (200, "cancelled"), body)
        status, body, _ = self.cancel(message_id)
        self.assertEqual((status, body["status"]), (200, "cancelled"), body)

    def wait_status_of(self, client, message_id, wanted):
        return harness.wait_for_statuses(client, [message_id], (wanted,), 60)[message_id]

    def herald_cli(self, *args, api_key=None):
        env = dict(os.environ, HERALD_API_KEY=self.herald.api_key if api_key is None else api_key)
        return subprocess.run([harness.HERALD_BIN, "queue", *args], capture_output=True, text=True, timeout=60,
                              env=env)

    def test_the_cli(self):
        url = f"http://127.0.0.1:{self.herald.port}"
        message_id = self.send("jane@cli.q.test")
        self.wait_status(message_id, ("deferred",))

        # The counts: the daemon found through http.listen, as `herald serve` would read it.
        out = self.herald_cli("--set", f"http.listen=127.0.0.1:{self.herald.port}")
        self.assertEqual(out.returncode, 0, out.stderr)
        line = next((l for l in out.stdout.splitlines() if l.startswith("mx-cli.q.test")), None)
        self.assertIsNotNone(line, out.stdout)
        self.assertIn("cli.q.test (1)", line)
        self.assertEqual(line.split()[1:4], ["1", "0", "1"], line)  # messages, queued, deferred
        self.assertIn("scheduler:", out.stdout)
        out = self.herald_cli("--url", url, "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("mx-cli.q.test", [s["site"] for s in json.loads(out.stdout)["sites"]])

        out = self.herald_cli("retry", message_id, "--url", url)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(f"{message_id}: due now", out.stdout)
        self.assertEqual(self.wait_status(message_id, FINAL, timeout=30)["status"], "delivered")

        out = self.herald_cli("cancel", message_id, "--url", url)
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("409 not_cancellable", out.stderr)

        later_id = self.send("jane@later.q.test")
        self.wait_status(later_id, ("deferred",))
        out = self.herald_cli("cancel", later_id, "--url", url)
        self.assertEqual((out.returncode, out.stdout.strip()), (0, f"{later_id}: cancelled"), out.stderr)

        # Clear errors: no key, a wrong key, nothing listening, an unknown message.
        out = self.herald_cli("--url", url, api_key="")
        self.assertEqual(out.returncode, 2)
        self.assertIn("HERALD_API_KEY", out.stderr)
        out = self.herald_cli("--url", url, api_key="hk_wrong")
        self.assertEqual(out.returncode, 1)
        self.assertIn("401 unauthenticated", out.stderr)
        out = self.herald_cli("--url", f"http://127.0.0.1:{harness.free_port()}")
        self.assertEqual(out.returncode, 1)
        self.assertIn("cannot connect", out.stderr)
        out = self.herald_cli("cancel", "msg_doesnotexist", "--url", url)
        self.assertEqual(out.returncode, 1)
        self.assertIn("404 not_found", out.stderr)


if __name__ == "__main__":
    harness.main()
