#!/usr/bin/python3
"""MX delivery policies end to end, against real peers on loopback only (NSD for the zone pol.test, and
tests/peers/scripted_smtp.py as every receiving server, all on one high port):

  IP pools        two accounts in two pools (blue: 127.0.0.20, green: 127.0.0.21, each with its EHLO name)
                  → the receiving server (127.0.0.22) sees each account's mail from its pool's address and name
  VERP            every message leaves with the envelope sender bounces+<token>@rp.pol.test naming it
  TLS policy      secure.pol.test requires TLS; its MX (127.0.0.23) offers no STARTTLS → deferred, never sent;
                  tls.pol.test requires TLS and its MX (127.0.0.24) offers it → delivered over TLS
  stall           stall.pol.test's MX (127.0.0.25) greets only after 30 s → the 2 s time limit defers it
  backoff         grey.pol.test's MX (127.0.0.26) answers 451 once: deferred for retry_initial (10 min), not
                  tried again before; the test moves the daemon's clock (testing.adjustable_clock) past
                  next_attempt_at → delivered on attempt 2
  expiry          later.pol.test's MX (127.0.0.28) answers 451 to everything: once the clock passes
                  delivery.max_age (5 days), the next attempt fails the message with a hard bounce
  rate limit      the pool "metered" sends at most 60 messages a minute (one a second after a burst of one)
  suppression     a 550 5.1.1 (127.0.0.27) bounces hard and writes the address to the suppression table
"""
import datetime
import os
import sqlite3
import time
import uuid

import harness

ZONE = """
@          IN SOA ns.pol.test. hostmaster.pol.test. 1 3600 600 86400 300
@          IN NS  ns.pol.test.
ns         IN A   127.0.0.1
pools      IN MX  10 mx-pools
mx-pools   IN A   127.0.0.22
secure     IN MX  10 mx-plain
mx-plain   IN A   127.0.0.23
tls        IN MX  10 mx-tls
mx-tls     IN A   127.0.0.24
stall      IN MX  10 mx-stall
mx-stall   IN A   127.0.0.25
grey       IN MX  10 mx-grey
mx-grey    IN A   127.0.0.26
gone       IN MX  10 mx-gone
mx-gone    IN A   127.0.0.27
metered    IN MX  10 mx-pools
later      IN MX  10 mx-later
mx-later   IN A   127.0.0.28
"""

ADDRESSES = [f"127.0.0.{n}" for n in range(20, 29)]
RETRY = datetime.timedelta(minutes=10)
FINAL = ("delivered", "bounced", "failed")


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class MxPoliciesTest(harness.ProcessTestCase):
    @classmethod
    def start_class(cls):
        cls.dns = cls.own_class(harness.AuthoritativeDns("pol.test", ZONE)).start()
        cls.port = port = harness.free_port_on(ADDRESSES)
        cls.herald = cls.own_class(harness.Herald({
            "delivery.mode": "mx", "delivery.smtp_port": str(port), "dns.nameservers": cls.dns.nameserver,
            "delivery.return_path_domain": "rp.pol.test",
            "delivery.tls_required_domains": "secure.pol.test,tls.pol.test",
            "delivery.retry_initial": "10m", "delivery.retry_max": "1h",
            "delivery.connect_timeout": "2s", "delivery.command_timeout": "2s",
            "pools.blue.source_addresses": "127.0.0.20", "pools.blue.ehlo_name": "blue.example",
            "pools.green.source_addresses": "127.0.0.21", "pools.green.ehlo_name": "green.example",
            "pools.metered.rate_limit": "60",
            "testing.adjustable_clock": "true", "log.level": "debug"}, name="policies")).start()
        cert = os.path.join(cls.herald.data_dir, "tls", "cert.pem")
        key = os.path.join(cls.herald.data_dir, "tls", "key.pem")

        def scripted(name, host, *replies, extra=()):
            return cls.own_class(harness.ScriptedSmtp(replies, list(extra), name=name, host=host, port=port)).start()

        cls.mx_pools = scripted("mx-pools", "127.0.0.22")
        cls.mx_plain = scripted("mx-plain", "127.0.0.23")
        cls.mx_tls = scripted("mx-tls", "127.0.0.24", extra=["--tls-cert", cert, "--tls-key", key])
        cls.mx_stall = scripted("mx-stall", "127.0.0.25", extra=["--delay", "CONNECT=30"])
        cls.mx_grey = scripted("mx-grey", "127.0.0.26", "DOT:1=451 4.7.1 Greylisted, try again later")
        cls.mx_later = scripted("mx-later", "127.0.0.28", "DOT=451 4.3.0 Try again later")
        cls.mx_gone = scripted("mx-gone", "127.0.0.27", "RCPT=550 5.1.1 <gone@gone.pol.test>: User unknown")
        cls.accounts = {**harness.create_accounts(cls.herald, ["blue shop"], pool="blue"),
                        **harness.create_accounts(cls.herald, ["green shop"], pool="green"),
                        **harness.create_accounts(cls.herald, ["metered shop"], pool="metered")}

    def setUp(self):
        super().setUp()
        self.client = self.herald.client()
        self.addCleanup(self.client.close)

    def client_of(self, account):
        client = self.herald.client(api_key=self.accounts[account]["api_key"])
        self.addCleanup(client.close)
        return client

    def send(self, to, client=None):
        token = uuid.uuid4().hex[:12]
        status, body, _ = (client or self.client).send(harness.message(0, token, to=to, subject=f"Policy [{token}]"))
        self.assertEqual(status, 202, body)
        return body["id"]

    def wait(self, message_id, statuses=FINAL, client=None, timeout=60):
        return harness.wait_for_statuses(client or self.client, [message_id], statuses, timeout)[message_id]

    def received(self, server, message_id):
        """The envelope of `message_id` as `server` accepted it."""
        for headers, envelope in server.messages():
            if headers["Message-ID"].strip("<>") == f"{message_id}@shop.example":
                return envelope
        self.fail(f"{message_id} was not received")

    def test_each_pool_sends_from_its_own_address_and_name(self):
        blue, green = self.client_of("blue shop"), self.client_of("green shop")
        sent = {"blue": self.send("jane@pools.pol.test", blue), "green": self.send("john@pools.pol.test", green)}
        self.assertEqual(self.wait(sent["blue"], client=blue)["status"], "delivered")
        self.assertEqual(self.wait(sent["green"], client=green)["status"], "delivered")
        seen = {pool: self.received(self.mx_pools, message_id) for pool, message_id in sent.items()}
        self.assertEqual((seen["blue"]["peer"], seen["blue"]["helo"]), ("127.0.0.20", "blue.example"))
        self.assertEqual((seen["green"]["peer"], seen["green"]["helo"]), ("127.0.0.21", "green.example"))

    def test_the_envelope_sender_names_the_message(self):
        message_id = self.send("verp@pools.pol.test")
        self.assertEqual(self.wait(message_id)["status"], "delivered")
        token = message_id.removeprefix("msg_").lower()
        self.assertEqual(self.received(self.mx_pools, message_id)["mail_from"], f"bounces+{token}@rp.pol.test")

    def test_tls_required_but_not_offered_defers_and_sends_nothing(self):
        message_id = self.send("jane@secure.pol.test")
        message = self.wait(message_id, ("deferred",) + FINAL)
        self.assertEqual(message["status"], "deferred", message)
        self.assertIn("TLS", message["events"][-1]["remote"]["text"], message)
        commands = [line.split(" ")[0].upper() for _, line in self.mx_plain.transcript()]
        self.assertIn("EHLO", commands)
        self.assertFalse({"MAIL", "RCPT", "DATA"} & set(commands), commands)
        self.assertEqual(self.mx_plain.messages(), [])

    def test_tls_required_and_offered_delivers_over_tls(self):
        message_id = self.send("jane@tls.pol.test")
        self.assertEqual(self.wait(message_id)["status"], "delivered")
        self.assertTrue(self.received(self.mx_tls, message_id)["tls"])

    def test_a_server_that_stalls_times_out_and_defers(self):
        message_id = self.send("jane@stall.pol.test")
        message = self.wait(message_id, ("deferred",) + FINAL, timeout=30)
        self.assertEqual(message["status"], "deferred", message)
        self.assertIn("timed out", message["events"][-1]["remote"]["text"], message)

    def test_a_deferral_waits_its_backoff_then_delivers_when_the_clock_gets_there(self):
        message_id = self.send("jane@grey.pol.test")
        message = self.wait(message_id, ("deferred",) + FINAL)
        self.assertEqual(message["status"], "deferred", message)
        deferred = message["events"][-1]
        self.assertEqual(deferred["remote"]["code"], 451, deferred)
        wait = parse_time(deferred["next_attempt_at"]) - parse_time(deferred["at"])
        self.assertGreaterEqual(wait, RETRY * 0.9, message)  # jittered around retry_initial
        # Not tried again before its time.
        time.sleep(2)
        self.assertEqual(self.client.message(message_id)["status"], "deferred")
        self.assertEqual(sum(1 for _, line in self.mx_grey.transcript() if line.upper().startswith("MAIL")), 1)

        status, body, _ = self.client.post("/v1/test/clock", {"advance": "15m"})
        self.assertEqual(status, 200, body)
        message = self.wait(message_id)
        self.assertEqual(message["status"], "delivered", message)
        self.assertEqual([e["type"] for e in message["events"]], ["queued", "sent", "deferred", "delivered"])
        self.assertEqual(message["events"][-1]["attempt"], 2)
        self.assertGreaterEqual(parse_time(message["events"][-1]["at"]), parse_time(deferred["next_attempt_at"]))

    def test_past_the_maximum_age_a_deferred_message_fails_with_a_hard_bounce(self):
        message_id = self.send("jane@later.pol.test")
        message = self.wait(message_id, ("deferred",) + FINAL)
        self.assertEqual(message["status"], "deferred", message)
        # Past max_age (5 days) and past the next attempt (at most retry_max, 1 h, away).
        status, body, _ = self.client.post("/v1/test/clock", {"advance": "122h"})
        self.assertEqual(status, 200, body)
        message = self.wait(message_id)
        self.assertEqual(message["status"], "failed", message)
        failed = message["events"][-1]
        self.assertEqual((failed["type"], failed["reason"], failed["attempt"]), ("failed", "expired", 2), message)
        self.assertEqual(failed["bounce"]["type"], "hard", failed)
        self.assertEqual(failed["remote"]["code"], 451, failed)

    def test_a_pool_rate_limit_spaces_its_messages(self):
        metered = self.client_of("metered shop")
        ids = [self.send(f"customer{n}@metered.pol.test", metered) for n in range(4)]
        done = harness.wait_for_statuses(metered, ids, FINAL, timeout=60)
        times = sorted(parse_time(m["events"][-1]["at"]) for m in done.values())
        self.assertEqual({m["status"] for m in done.values()}, {"delivered"})
        # A burst of one, then one a second: four messages span at least three seconds.
        self.assertGreaterEqual(times[-1] - times[0], datetime.timedelta(seconds=2.9), times)

    def test_a_hard_bounce_is_written_for_the_suppression_list(self):
        message_id = self.send("Gone@gone.pol.test")
        message = self.wait(message_id)
        self.assertEqual(message["status"], "bounced", message)
        db = sqlite3.connect(f"file:{self.herald.data_dir}/herald.db?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT address, reason, source, message_id FROM suppressions").fetchall()
        finally:
            db.close()
        self.assertIn(("gone@gone.pol.test", "user_unknown", "bounce", message_id), rows)

    def test_accounts_name_a_configured_pool(self):
        status, body, _ = self.client.post("/v1/accounts", {"name": "x", "pool": "purple"})
        self.assertEqual((status, body["error"]["code"], body["error"]["field"]), (422, "unknown_pool", "pool"), body)
        account = self.accounts["green shop"]
        self.assertEqual(account["pool"], "green")
        status, body, _ = self.client.request("PATCH", f"/v1/accounts/{account['id']}", {"pool": "transactional"})
        self.assertEqual((status, body["pool"]), (200, "transactional"), body)
        status, body, _ = self.client.request("PATCH", f"/v1/accounts/{account['id']}", {"pool": "green"})
        self.assertEqual((status, body["pool"]), (200, "green"), body)
        status, body, _ = self.client.request("PATCH", "/v1/accounts/acct_nothing", {"pool": "green"})
        self.assertEqual(status, 404, body)
        # Only the operator manages accounts.
        status, body, _ = self.client_of("blue shop").request("PATCH", f"/v1/accounts/{account['id']}", {"pool": "blue"})
        self.assertEqual(status, 403, body)


if __name__ == "__main__":
    harness.main()
