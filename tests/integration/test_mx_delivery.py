#!/usr/bin/python3
"""MX delivery (delivery.mode = mx) end to end, against real peers on loopback only: NSD serves the zone mx.test
(tests/peers/authoritative_dns.py), and each MX host is a real SMTP server on its own loopback address — Postfix's
smtp-sink, or tests/peers/scripted_smtp.py (aiosmtpd) for scripted replies — all on one high port, which Herald
reaches as delivery.smtp_port.

One Herald daemon serves every test (each test has its own recipient domain and servers):
  pref      MX 10 mx-a (127.0.0.2), MX 20 mx-b (127.0.0.3)          → mail goes to mx-a only
  fallback  MX 10 down (127.0.0.4, nothing listens), MX 20 mx-c     → mx-c (127.0.0.5)
  busy      MX 10 busy (127.0.0.12, greets 421), MX 20 mx-c         → mx-c
  ghostmx   MX 10 ghost (no address: NXDOMAIN), MX 20 mx-c          → mx-c
  amx       no MX, A 127.0.0.6                                       → the domain's own address (RFC 5321 §5.1)
  nullmx    MX 0 . (null MX), A 127.0.0.7 with a listener            → bounced hard, never connected
  missing   (not in the zone: NXDOMAIN)                              → bounced hard, domain_not_found
  refused.example (outside the zone: NSD answers REFUSED)            → a DNS failure: deferred, 4.4.3
  greylist  MX → 127.0.0.8, 451 after the first DATA                → deferred, then delivered (retry after 1 s)
  unknown   MX → 127.0.0.9, 550 5.1.1 at RCPT                        → bounced hard, user_unknown
  full      MX → 127.0.0.10, 552 5.2.2 at RCPT                       → bounced soft, mailbox_full
  bulk, bulk2  both MX → mx-bulk (127.0.0.11): one site              → 200 messages over ≤ site_concurrency connections
  slow      MX → 127.0.0.13, 4 s before each reply to the dot        → its backlog does not hold back other sites
"""
import uuid

import harness

SITE_CONCURRENCY = 3
BULK = 200
FINAL = ("delivered", "bounced", "failed")

ZONE = """
@         IN SOA ns.mx.test. hostmaster.mx.test. 1 3600 600 86400 300
@         IN NS  ns.mx.test.
ns        IN A   127.0.0.1
mx-a      IN A   127.0.0.2
mx-b      IN A   127.0.0.3
down      IN A   127.0.0.4
mx-c      IN A   127.0.0.5
busy-mx   IN A   127.0.0.12
pref      IN MX  10 mx-a
pref      IN MX  20 mx-b
fallback  IN MX  10 down
fallback  IN MX  20 mx-c
busy      IN MX  10 busy-mx
busy      IN MX  20 mx-c
ghostmx   IN MX  10 ghost
ghostmx   IN MX  20 mx-c
amx       IN A   127.0.0.6
nullmx    IN MX  0 .
nullmx    IN A   127.0.0.7
greylist  IN MX  10 mx-greylist
mx-greylist IN A 127.0.0.8
unknown   IN MX  10 mx-unknown
mx-unknown IN A  127.0.0.9
full      IN MX  10 mx-full
mx-full   IN A   127.0.0.10
bulk      IN MX  10 mx-bulk
bulk2     IN MX  5 mx-bulk
mx-bulk   IN A   127.0.0.11
slow      IN MX  10 mx-slow
mx-slow   IN A   127.0.0.13
"""

ADDRESSES = [f"127.0.0.{n}" for n in range(2, 14)]


class MxDeliveryTest(harness.ProcessTestCase):
    @classmethod
    def start_class(cls):
        cls.dns = cls.own_class(harness.AuthoritativeDns("mx.test", ZONE)).start()
        port = harness.free_port_on(ADDRESSES)
        cls.port = port

        def sink(name, host):
            return cls.own_class(harness.SmtpSink(name=name, host=host, port=port)).start()

        def scripted(name, host, *replies):
            return cls.own_class(harness.ScriptedSmtp(replies, name=name, host=host, port=port)).start()

        cls.mx_a, cls.mx_b, cls.mx_c = sink("mx-a", "127.0.0.2"), sink("mx-b", "127.0.0.3"), sink("mx-c", "127.0.0.5")
        cls.a_host = sink("a-host", "127.0.0.6")
        cls.null_watch = scripted("null-watch", "127.0.0.7")
        cls.busy = scripted("busy-mx", "127.0.0.12", "CONNECT=421 4.3.2 Too busy, try another MX")
        cls.greylist = scripted("greylist", "127.0.0.8", "DOT:1=451 4.7.1 Greylisted, please try again later")
        cls.unknown = scripted("unknown", "127.0.0.9",
                               "RCPT=550 5.1.1 <nobody@unknown.mx.test>: Recipient address rejected: User unknown")
        cls.full = scripted("full", "127.0.0.10", "RCPT=552 5.2.2 <jane@full.mx.test>: Mailbox full")
        cls.bulk = scripted("bulk", "127.0.0.11")
        cls.slow = cls.own_class(harness.ScriptedSmtp((), ["--delay", "DOT=4"], name="slow", host="127.0.0.13",
                                                      port=port)).start()
        cls.herald = cls.own_class(harness.Herald({
            "delivery.mode": "mx", "delivery.smtp_port": str(port), "dns.nameservers": cls.dns.nameserver,
            "delivery.site_concurrency": str(SITE_CONCURRENCY), "delivery.concurrency": "16",
            "delivery.retry_initial": "1s", "delivery.retry_max": "2s", "delivery.connect_timeout": "5s",
            "log.level": "debug"}, name="mx")).start()

    def setUp(self):
        super().setUp()
        self.client = self.herald.client()
        self.addCleanup(self.client.close)

    def send(self, to, subject="MX test"):
        token = uuid.uuid4().hex[:12]
        status, body, _ = self.client.send(harness.message(0, token, to=to, subject=f"{subject} [{token}]"))
        self.assertEqual(status, 202, body)
        return body["id"]

    def final(self, message_id, timeout=60):
        return harness.wait_for_statuses(self.client, [message_id], FINAL, timeout)[message_id]

    def types(self, message):
        return [e["type"] for e in message["events"]]

    def remote_of(self, message):
        return message["events"][-1].get("remote", {})

    def test_mail_goes_to_the_preferred_mx(self):
        message_id = self.send("jane@pref.mx.test")
        message = self.final(message_id)
        self.assertEqual(message["status"], "delivered", message)
        self.assertEqual(self.types(message), ["queued", "sent", "delivered"], message)
        self.assertEqual(self.remote_of(message)["host"], f"mx-a.mx.test[127.0.0.2]:{self.port}", message)
        self.assertIn(f"{message_id}@shop.example", self.mx_a.message_ids())
        self.assertNotIn(f"{message_id}@shop.example", self.mx_b.message_ids())

    def test_a_host_that_is_down_passes_to_the_next_mx(self):
        message_id = self.send("jane@fallback.mx.test")
        message = self.final(message_id)
        self.assertEqual(message["status"], "delivered", message)
        self.assertEqual(self.types(message), ["queued", "sent", "delivered"], message)
        self.assertEqual(self.remote_of(message)["host"], f"mx-c.mx.test[127.0.0.5]:{self.port}", message)
        self.assertIn(f"{message_id}@shop.example", self.mx_c.message_ids())

    def test_a_4xx_greeting_passes_to_the_next_mx(self):
        message_id = self.send("jane@busy.mx.test")
        message = self.final(message_id)
        self.assertEqual(message["status"], "delivered", message)
        self.assertEqual(self.remote_of(message)["host"], f"mx-c.mx.test[127.0.0.5]:{self.port}", message)
        self.assertIn(f"{message_id}@shop.example", self.mx_c.message_ids())
        self.assertTrue(any(line == "CONNECT" for _, line in self.busy.transcript()), "busy-mx was not tried")

    def test_an_mx_host_without_address_passes_to_the_next(self):
        message_id = self.send("jane@ghostmx.mx.test")
        message = self.final(message_id)
        self.assertEqual(message["status"], "delivered", message)
        self.assertEqual(self.remote_of(message)["host"], f"mx-c.mx.test[127.0.0.5]:{self.port}", message)

    def test_a_dns_failure_defers(self):
        message_id = self.send("jane@refused.example")
        message = harness.wait_for_statuses(self.client, [message_id], ("deferred",) + FINAL, 60)[message_id]
        self.assertEqual(message["status"], "deferred", message)
        self.assertEqual(self.types(message)[:3], ["queued", "sent", "deferred"], message)
        deferred = message["events"][2]
        self.assertEqual(deferred["remote"]["enhanced_code"], "4.4.3", deferred)
        self.assertEqual(deferred["remote"]["code"], 0, deferred)
        self.assertIn("MX lookup failed", deferred["remote"]["text"], deferred)
        self.assertTrue(deferred.get("next_attempt_at"), deferred)

    def test_without_mx_the_domain_address_receives(self):
        message_id = self.send("jane@amx.mx.test")
        message = self.final(message_id)
        self.assertEqual(message["status"], "delivered", message)
        self.assertEqual(self.remote_of(message)["host"], f"amx.mx.test[127.0.0.6]:{self.port}", message)
        self.assertIn(f"{message_id}@shop.example", self.a_host.message_ids())

    def assert_bounced(self, message, bounce_type, reason, enhanced_code):
        self.assertEqual(message["status"], "bounced", message)
        self.assertEqual(self.types(message), ["queued", "sent", "bounced"], message)
        bounced = message["events"][-1]
        self.assertEqual(bounced["bounce"], {"type": bounce_type, "reason": reason}, bounced)
        self.assertEqual(bounced["remote"]["enhanced_code"], enhanced_code, bounced)
        self.assertEqual(bounced["attempt"], 1, bounced)
        self.assertEqual(message["attempts"], 1, message)
        self.assertIsNone(message["next_attempt_at"], message)
        return bounced

    def test_null_mx_bounces_hard_without_any_connection(self):
        message_id = self.send("jane@nullmx.mx.test")
        bounced = self.assert_bounced(self.final(message_id), "hard", "domain_not_found", "5.1.10")
        self.assertEqual(bounced["remote"]["code"], 0, bounced)
        self.assertIn("null MX", bounced["remote"]["text"], bounced)
        self.assertEqual(self.null_watch.transcript(), [], "Herald connected to a domain with a null MX")
        self.assertIn(message_id, [m["id"] for m in self.client.list_all(query="status=bounced")])

    def test_nxdomain_bounces_hard(self):
        bounced = self.assert_bounced(self.final(self.send("jane@missing.mx.test")), "hard", "domain_not_found",
                                      "5.1.2")
        self.assertEqual(bounced["remote"]["host"], "missing.mx.test", bounced)

    def test_451_then_250_is_deferred_then_delivered(self):
        message_id = self.send("jane@greylist.mx.test")
        message = self.final(message_id, timeout=90)
        self.assertEqual(message["status"], "delivered", message)
        self.assertEqual(self.types(message), ["queued", "sent", "deferred", "delivered"], message)
        deferred, delivered = message["events"][2], message["events"][3]
        self.assertEqual((deferred["remote"]["code"], deferred["remote"]["enhanced_code"]), (451, "4.7.1"), deferred)
        self.assertTrue(deferred.get("next_attempt_at"), deferred)
        self.assertNotIn("bounce", deferred)
        self.assertEqual((delivered["attempt"], delivered["remote"]["code"]), (2, 250), delivered)
        accepted = [h["Message-ID"].strip("<>") for h, _ in self.greylist.messages()]
        self.assertEqual(accepted, [f"{message_id}@shop.example"])

    def test_550_5_1_1_bounces_hard_user_unknown(self):
        bounced = self.assert_bounced(self.final(self.send("nobody@unknown.mx.test")), "hard", "user_unknown", "5.1.1")
        self.assertEqual(bounced["remote"]["code"], 550, bounced)
        self.assertIn("User unknown", bounced["remote"]["text"], bounced)
        self.assertEqual(bounced["remote"]["host"], f"mx-unknown.mx.test[127.0.0.9]:{self.port}", bounced)
        self.assertEqual(self.unknown.messages(), [])

    def test_552_5_2_2_bounces_soft_mailbox_full(self):
        bounced = self.assert_bounced(self.final(self.send("jane@full.mx.test")), "soft", "mailbox_full", "5.2.2")
        self.assertEqual(bounced["remote"]["code"], 552, bounced)

    def test_a_slow_site_does_not_hold_back_the_others(self):
        slow_ids = [self.send(f"customer{n}@slow.mx.test", "slow site") for n in range(4 * SITE_CONCURRENCY)]
        harness.wait_until(lambda: len({n for n, line in self.slow.transcript() if line == "CONNECT"}) ==
                           SITE_CONCURRENCY, 20, 0.1, "the slow site's connections")
        # The slow site has all its slots busy and a backlog; another site is served at once.
        message = self.final(self.send("jane@pref.mx.test", "fast site"), timeout=6)
        self.assertEqual(message["status"], "delivered", message)
        # Not behind the backlog: more slow messages are unfinished than the slow site has slots.
        unfinished = [m for m in (self.client.message(i) for i in slow_ids) if m["status"] == "queued"]
        self.assertGreater(len(unfinished), SITE_CONCURRENCY, "the fast message waited for the slow site's backlog")
        # The slow site never had more than its limit of connections.
        harness.wait_for_statuses(self.client, slow_ids, FINAL, timeout=60)
        self.assertEqual(len({n for n, line in self.slow.transcript() if line == "CONNECT"}), SITE_CONCURRENCY)

    def test_graceful_stop_with_idle_connections_and_dns_sockets(self):
        # Its own daemon: it is stopped here. Idle SMTP connections and the resolver's sockets must not keep it up.
        herald = self.own(harness.Herald({
            "delivery.mode": "mx", "delivery.smtp_port": str(self.port), "dns.nameservers": self.dns.nameserver},
            name="mx-stop")).start()
        client = herald.client()
        self.addCleanup(client.close)
        status, body, _ = client.send(harness.message(0, uuid.uuid4().hex[:12], to="jane@pref.mx.test"))
        self.assertEqual(status, 202, body)
        self.assertEqual(harness.wait_for_statuses(client, [body["id"]], FINAL, 60)[body["id"]]["status"], "delivered")
        self.assertEqual(herald.terminate(timeout=30), 0)
        self.assertIn("delivery stopped", herald.log_text())

    def test_one_site_reuses_few_connections(self):
        # Two domains with the same MX host are one site: together they share its connections and its limit.
        run = uuid.uuid4().hex[:8]
        messages = [harness.message(n, f"bulk-{run}-{n}", to=f"customer{n}@{'bulk' if n % 2 else 'bulk2'}.mx.test")
                    for n in range(BULK)]
        results = harness.send_concurrently(self.herald.port, self.herald.api_key, messages, threads=8)
        self.assertTrue(all(r[0] == 202 for r in results), [r for r in results if r[0] != 202][:3])
        ids = [r[1]["id"] for r in results]
        done = harness.wait_for_statuses(self.client, ids, FINAL, timeout=180)
        self.assertEqual({m["status"] for m in done.values()}, {"delivered"})

        received = [h["Message-ID"].strip("<>") for h, _ in self.bulk.messages()]
        self.assertEqual(sorted(received), sorted(f"{i}@shop.example" for i in ids))
        connections = {number for number, line in self.bulk.transcript() if line == "CONNECT"}
        mails = [line for _, line in self.bulk.transcript() if line.upper().startswith("MAIL FROM:")]
        self.assertEqual(len(mails), BULK)
        # Each attempt to the site holds one of its SITE_CONCURRENCY slots, and a connection is reused for the
        # next message: no more connections than slots.
        self.assertLessEqual(len(connections), SITE_CONCURRENCY, f"{len(connections)} connections for {BULK} messages")


if __name__ == "__main__":
    harness.main()
