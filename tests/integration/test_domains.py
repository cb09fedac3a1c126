#!/usr/bin/python3
"""Sending domains end to end (issue 5), against real peers on loopback only: NSD serves the zone dom.test, which
the test edits as a user would publish records; dkimpy (python3-dkim) and Mail::DKIM (libmail-dkim-perl) verify
Herald's signatures with the public keys that same NSD serves; capture delivery keeps each message as it would
have left, and the SMTP relay is reached with smtplib.

  verification   shop.dom.test stays pending with every record missing; published with a wrong SPF record it is
                 still pending, SPF "wrong" showing what was found; with the right records it becomes verified
  signing        a message from it (API and SMTP relay) carries two signatures, rsa-sha256 and ed25519-sha256,
                 relaxed/relaxed; dkimpy passes both, Mail::DKIM the RSA one; after one changed body byte or an
                 added From: both verifiers fail; the envelope sender is the VERP address at bounces.shop.dom.test;
                 two messages carrying the same attachment both verify and carry it byte for byte, while the
                 database keeps the attachment once
  gating         an unverified domain, another account's, one registered as marketing and one flagged as
                 marketing (domains.marketing) are refused: 422 domain_not_verified on the API, 550 5.7.1 on SMTP,
                 each naming the domain; a second account cannot register a registered domain (409 domain_taken)
  rotation       a rotation adds new selectors; once their records verify, messages are signed with them
  re-check       a verified domain whose SPF record disappears gets a warning and a domain.dns_broken event
                 from the periodic re-check (domains.recheck_interval = 1s), and keeps sending
"""
import base64
import email
import email.policy
import os
import re
import smtplib
import sqlite3
import ssl
import subprocess
import tempfile
import time
import uuid

import harness

PEERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers")
BASE_ZONE = """
@          IN SOA ns.dom.test. hostmaster.dom.test. 1 3600 600 86400 5
@          IN NS  ns.dom.test.
ns         IN A   127.0.0.1
"""
INBOUND_HOST = "mx.herald.test"
TRACKING_TARGET = "track.herald.test"
EHLO = "mta.herald.test"


def zone_line(record):
    """One published record as a zone-file line (absolute names; TXT split into 255-byte strings)."""
    name = record["name"] + "."
    if record["type"] == "TXT":
        value = record["value"]
        strings = " ".join('"' + value[i:i + 255] + '"' for i in range(0, len(value), 255))
        return f"{name} IN TXT {strings}"
    if record["type"] == "MX":
        preference, host = record["value"].split()
        return f"{name} IN MX {preference} {host}."
    return f"{name} IN CNAME {record['value']}."


class DomainsTest(harness.ProcessTestCase):
    @classmethod
    def start_class(cls):
        cls.published = {}  # domain name → its records as last published
        cls.dns = cls.own_class(harness.AuthoritativeDns("dom.test", BASE_ZONE)).start()
        cls.herald = cls.own_class(harness.Herald({
            "delivery.mode": "capture", "dns.nameservers": cls.dns.nameserver,
            "domains.allow_unverified": "false", "domains.inbound_host": INBOUND_HOST,
            "domains.tracking_target": TRACKING_TARGET, "delivery.ehlo_name": EHLO,
            "domains.marketing": "promo.dom.test", "domains.recheck_interval": "1s",
            "dns.timeout": "1s", "log.level": "debug"}, name="domains")).start()
        cls.accounts = harness.create_accounts(cls.herald, ["shop", "other shop"])
        cls.client = cls.herald.client(api_key=cls.accounts["shop"]["api_key"])
        cls.other = cls.herald.client(api_key=cls.accounts["other shop"]["api_key"])
        cls.work = tempfile.mkdtemp(prefix="herald-domains-")

        status, cls.shop, _ = cls.client.post("/v1/domains", {"name": "shop.dom.test"})
        assert status == 201, cls.shop

    # -- helpers
    @classmethod
    def publish(cls, name, records):
        cls.published[name] = records
        lines = [zone_line(r) for rs in cls.published.values() for r in rs]
        cls.dns.replace_zone(BASE_ZONE + "\n".join(lines) + "\n")

    def verify(self, name, client=None):
        status, body, _ = (client or self.client).post(f"/v1/domains/{name}/verify")
        self.assertEqual(status, 200, body)
        return body

    def by_purpose(self, domain, purpose):
        return [r for r in domain["records"] if r["purpose"] == purpose]

    def ensure_verified(self):
        domain = self.verify("shop.dom.test")
        if domain["status"] != "verified":
            self.publish("shop.dom.test", domain["records"])
            domain = self.verify("shop.dom.test")
        self.assertEqual(domain["status"], "verified", domain)
        return domain

    def send_api(self, sender, client=None, subject="Your order"):
        token = uuid.uuid4().hex[:12]
        return (client or self.client).send(
            harness.message(0, token, to="jane@example.net", subject=f"{subject} [{token}]",
                            **{"from": f"Shop <{sender}>", "html": "<p>Thanks for your order!</p>"}))

    def captured(self, message_id):
        harness.wait_for_statuses(self.client, [message_id], ("delivered",), timeout=30)
        status, body, _ = self.client.get(f"/v1/sandbox/messages/{message_id}")
        self.assertEqual(status, 200, body)
        path = os.path.join(self.work, f"{message_id}.eml")
        with open(path, "wb") as f:
            f.write(body["raw"].encode())
        return path

    def dkimpy(self, path):
        out = subprocess.run(["/usr/bin/python3", os.path.join(PEERS, "dkim_verify.py"), "--dns", self.dns.nameserver,
                              path], capture_output=True, text=True, timeout=60)
        return out.returncode, sorted(out.stdout.split("\n")[:-1]), out.stderr

    def mail_dkim(self, path):
        out = subprocess.run(["perl", os.path.join(PEERS, "dkim_verify.pl"), self.dns.nameserver, path],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        return {line.split()[0]: line.split()[3] for line in out.stdout.splitlines()}

    def assert_signed_and_verified(self, path, selectors=None):
        code, lines, err = self.dkimpy(path)
        self.assertEqual(code, 0, f"{lines} {err}")
        self.assertEqual([line.split()[0] for line in lines], ["ed25519-sha256", "rsa-sha256"], lines)
        if selectors:
            self.assertEqual({line.split()[2] for line in lines}, set(selectors), lines)
        self.assertEqual(self.mail_dkim(path).get("rsa-sha256"), "pass")
        with open(path, "rb") as f:
            raw = f.read()
        self.assertEqual(raw.count(b"DKIM-Signature:"), 2)
        self.assertIn(b"c=relaxed/relaxed", raw)

        # Altered after signing: one body byte, or a second From: added on top. Both verifiers fail.
        for name, altered in (("body", raw.replace(b"Thanks", b"Thinks", 1)),
                              ("from", b"From: Evil <evil@dom.test>\r\n" + raw)):
            bad = path + f".{name}.eml"
            with open(bad, "wb") as f:
                f.write(altered)
            code, lines, _ = self.dkimpy(bad)
            self.assertNotEqual(code, 0, f"{name}: {lines}")
            self.assertTrue(all(line.endswith("fail") for line in lines), f"{name}: {lines}")
            self.assertNotEqual(self.mail_dkim(bad).get("rsa-sha256"), "pass", name)

    def smtp_send(self, username, password, sender, subject):
        raw = (f"From: Shop <{sender}>\r\nTo: jane@example.net\r\nSubject: {subject}\r\n\r\n"
               "Thanks for your order, sent by SMTP.\r\n")
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP(harness.LOOPBACK, self.herald.smtp_port, timeout=30) as smtp:
            smtp.starttls(context=context)
            smtp.login(username, password)
            try:
                smtp.sendmail(sender, ["jane@example.net"], raw.encode())
            except smtplib.SMTPDataError as e:
                return e.smtp_code, e.smtp_error.decode()
        return 250, ""

    # -- the tests
    def test_1_a_domain_verifies_only_with_the_right_records(self):
        self.assertEqual(self.shop["status"], "pending")
        self.assertEqual(sorted(r["purpose"] for r in self.shop["records"]),
                         ["dkim", "dkim", "dmarc", "return_path", "spf", "tracking"])
        self.assertTrue(all(r["status"] == "unchecked" for r in self.shop["records"]))
        self.assertEqual({k["algorithm"] for k in self.shop["dkim_keys"]}, {"rsa-sha256", "ed25519-sha256"})
        spf = self.by_purpose(self.shop, "spf")[0]
        self.assertEqual((spf["name"], spf["value"]), ("bounces.shop.dom.test", f"v=spf1 a:{EHLO} -all"))
        self.assertEqual(self.by_purpose(self.shop, "return_path")[0]["value"], f"10 {INBOUND_HOST}")

        # Nothing published: every record missing, still pending.
        domain = self.verify("shop.dom.test")
        self.assertEqual(domain["status"], "pending")
        self.assertEqual({r["status"] for r in domain["records"]}, {"missing"}, domain["records"])

        # Published with a wrong SPF record: reported wrong, with what was found; still pending.
        wrong = [dict(r, value="v=spf1 ip4:192.0.2.99 -all") if r["purpose"] == "spf" else r
                 for r in domain["records"]]
        self.publish("shop.dom.test", wrong)
        domain = self.verify("shop.dom.test")
        self.assertEqual(domain["status"], "pending")
        spf = self.by_purpose(domain, "spf")[0]
        self.assertEqual((spf["status"], spf["found"]), ("wrong", ["v=spf1 ip4:192.0.2.99 -all"]))
        self.assertEqual({r["status"] for r in domain["records"] if r["purpose"] != "spf"}, {"ok"}, domain["records"])

        # Right: verified.
        self.publish("shop.dom.test", domain["records"])
        domain = self.verify("shop.dom.test")
        self.assertEqual(domain["status"], "verified", domain)
        self.assertEqual({r["status"] for r in domain["records"]}, {"ok"})
        self.assertIsNotNone(domain["verified_at"])
        status, got, _ = self.client.get("/v1/domains/shop.dom.test")
        self.assertEqual(status, 200, got)
        self.assertIn("domain.verified", [e["type"] for e in got["events"]])
        self.assertNotIn("sealed_private_key", str(got))

    def test_2_api_messages_are_signed_with_both_keys(self):
        self.ensure_verified()
        status, body, _ = self.send_api("orders@shop.dom.test")
        self.assertEqual(status, 202, body)
        path = self.captured(body["id"])
        self.assert_signed_and_verified(path)
        message = self.client.message(body["id"])
        self.assertEqual(message["status"], "delivered")
        with open(path, "rb") as f:
            self.assertTrue(f.read().startswith(b"DKIM-Signature:"))  # signed once, on top, before the commit

    def test_2_messages_sharing_an_attachment_are_signed_over_it_and_it_is_stored_once(self):
        self.ensure_verified()
        payload = os.urandom(50_000)
        attachment = {"filename": "terms.pdf", "content_type": "application/pdf",
                      "content": base64.b64encode(payload).decode()}
        for path, body in (("/v1/profile-tables", {"name": "contacts", "kind": "transactional", "attributes": []}),
                           ("/v1/campaigns", {"key": "terms", "name": "Terms", "profile_table": "contacts",
                                              "from": "Shop <orders@shop.dom.test>", "subject": "Our terms",
                                              "html": "<p>Thanks for your order, {{data.name}}!</p>",
                                              "status": "active"})):
            status, answer, _ = self.client.post(path, body)
            self.assertEqual(status, 201, answer)
        ids = []
        for name in ("Ann", "Bob"):
            status, body, _ = self.client.post("/v1/messages", {
                "campaign": "terms", "to": {"email": f"{name.lower()}@example.net"}, "data": {"name": name},
                "attachments": [attachment]})
            self.assertEqual(status, 202, body)
            ids.append(body["id"])
        for message_id in ids:
            path = self.captured(message_id)
            self.assert_signed_and_verified(path)
            with open(path, "rb") as f:
                message = email.message_from_binary_file(f, policy=email.policy.default)
            self.assertEqual([a.get_content() for a in message.iter_attachments()], [payload])
        with sqlite3.connect(os.path.join(self.herald.data_dir, "herald.db")) as db:
            parts = db.execute("SELECT count(*), min(length(bytes)) FROM body_parts").fetchone()
            referring = db.execute("SELECT count(*) FROM message_bodies WHERE message_id IN (?, ?) AND parts IS NOT NULL",
                                   ids).fetchone()[0]
        self.assertEqual(parts[0], 1)
        self.assertGreater(parts[1], len(payload) * 4 // 3)  # its base64 lines
        self.assertEqual(referring, 2)

    def test_3_smtp_messages_are_signed_with_both_keys(self):
        self.ensure_verified()
        connection = harness.create_smtp_connection(self.client, domains=["shop.dom.test"])
        code, reply = self.smtp_send(connection["username"], connection["password"], "orders@shop.dom.test",
                                     "By SMTP")
        self.assertEqual(code, 250, reply)
        status, page, _ = self.client.get("/v1/messages?limit=1")
        message_id = page["messages"][0]["id"]
        self.assertEqual(page["messages"][0]["subject"], "By SMTP")
        self.assert_signed_and_verified(self.captured(message_id))

    def test_4_mail_from_a_domain_that_may_not_send_is_refused(self):
        self.ensure_verified()
        # Registered but never verified; another account's; registered as marketing; flagged as marketing.
        self.assertEqual(self.client.post("/v1/domains", {"name": "pending.dom.test"})[0], 201)
        self.assertEqual(self.other.post("/v1/domains", {"name": "other.dom.test"})[0], 201)
        self.assertEqual(self.client.post("/v1/domains", {"name": "brand.dom.test", "purpose": "marketing"})[0], 201)
        connection = harness.create_smtp_connection(
            self.client, domains=["pending.dom.test", "other.dom.test", "brand.dom.test", "promo.dom.test",
                                  "unknown.dom.test"])
        for domain in ("pending.dom.test", "other.dom.test", "brand.dom.test", "promo.dom.test", "unknown.dom.test"):
            with self.subTest(domain=domain):
                status, body, _ = self.send_api(f"orders@{domain}")
                self.assertEqual(status, 422, body)
                self.assertEqual((body["error"]["code"], body["error"]["field"]), ("domain_not_verified", "from"))
                self.assertIn(domain, body["error"]["message"])
                code, reply = self.smtp_send(connection["username"], connection["password"], f"orders@{domain}",
                                             f"Refused from {domain}")
                self.assertEqual(code, 550, reply)
                self.assertTrue(reply.startswith("5.7.1"), reply)
                self.assertIn(domain, reply)
        # Nothing of it was stored.
        _, page, _ = self.client.get("/v1/messages?limit=100")
        self.assertFalse([m for m in page["messages"] if m["subject"].startswith("Refused")])

    def test_5_a_domain_is_registered_once(self):
        status, body, _ = self.other.post("/v1/domains", {"name": "shop.dom.test"})
        self.assertEqual((status, body["error"]["code"]), (409, "domain_taken"), body)
        status, body, _ = self.client.post("/v1/domains", {"name": "SHOP.dom.test"})
        self.assertEqual((status, body["error"]["code"]), (409, "domain_taken"), body)
        status, body, _ = self.client.post("/v1/domains", {"name": "promo.dom.test"})
        self.assertEqual((status, body["error"]["code"]), (409, "marketing_domain"), body)
        self.client.post("/v1/domains", {"name": "brand.dom.test", "purpose": "marketing"})
        status, body, _ = self.other.post("/v1/domains", {"name": "brand.dom.test"})
        self.assertEqual((status, body["error"]["code"]), (409, "marketing_domain"), body)
        for bad, code in (({"name": "not a domain"}, "invalid_domain"), ({"name": "x"}, "invalid_domain"),
                          ({"name": "a.dom.test", "pool": "nope"}, "unknown_pool"),
                          ({"name": "a.dom.test", "purpose": "spam"}, "invalid_value"),
                          ({"name": 5}, "invalid_type"), ({}, "missing_field"),
                          ({"name": "a.dom.test", "color": "red"}, "unknown_field")):
            with self.subTest(body=bad):
                status, body, _ = self.client.post("/v1/domains", bad)
                self.assertEqual((status, body["error"]["code"]), (422, code), body)
        self.assertEqual(self.other.get("/v1/domains/shop.dom.test")[0], 404)
        self.assertEqual(self.other.post("/v1/domains/shop.dom.test/verify")[0], 404)
        self.assertEqual(self.other.delete("/v1/domains/shop.dom.test")[0], 404)
        self.assertNotIn("a.dom.test", [d["name"] for d in self.client.get("/v1/domains")[1]["domains"]])

    def test_6_a_rotation_signs_with_the_new_keys_once_they_verify(self):
        self.ensure_verified()
        status, domain, _ = self.client.post("/v1/domains/shop.dom.test/dkim/rotate")
        self.assertEqual(status, 200, domain)
        pending = [k["selector"] for k in domain["dkim_keys"] if k["state"] == "pending"]
        self.assertEqual(len(pending), 2, domain["dkim_keys"])
        status, body, _ = self.client.post("/v1/domains/shop.dom.test/dkim/rotate")
        self.assertEqual((status, body["error"]["code"]), (409, "rotation_pending"), body)

        # Until the new records are published, mail is signed with the old keys.
        old = [k["selector"] for k in domain["dkim_keys"] if k["state"] == "active"]
        status, body, _ = self.send_api("orders@shop.dom.test")
        self.assertEqual(status, 202, body)
        self.assert_signed_and_verified(self.captured(body["id"]), old)

        self.publish("shop.dom.test", domain["records"])
        domain = self.verify("shop.dom.test")
        states = {k["selector"]: k["state"] for k in domain["dkim_keys"]}
        self.assertEqual({states[s] for s in pending}, {"active"}, states)
        self.assertEqual({states[s] for s in old}, {"retired"}, states)
        status, body, _ = self.send_api("orders@shop.dom.test")
        self.assertEqual(status, 202, body)
        self.assert_signed_and_verified(self.captured(body["id"]), pending)

    def test_7_the_recheck_warns_when_a_record_breaks(self):
        domain = self.ensure_verified()
        self.publish("shop.dom.test", [r for r in domain["records"] if r["purpose"] != "spf"])
        try:
            def broken():
                _, got, _ = self.client.get("/v1/domains/shop.dom.test")
                return got if got["warnings"] else None
            got = harness.wait_until(broken, 30, 0.2, "a warning from the re-check")
            self.assertEqual(got["status"], "verified")  # it keeps sending
            self.assertIn("spf", got["warnings"][0])
            self.assertIn("domain.dns_broken", [e["type"] for e in got["events"]])
            status, body, _ = self.send_api("orders@shop.dom.test")
            self.assertEqual(status, 202, body)
        finally:
            self.publish("shop.dom.test", domain["records"])
        got = harness.wait_until(lambda: (lambda g: g if not g["warnings"] else None)(
            self.client.get("/v1/domains/shop.dom.test")[1]), 30, 0.2, "the warning cleared")
        self.assertEqual(got["events"][0]["type"], "domain.dns_restored")

    def test_8_the_envelope_sender_is_the_domains_verp_address(self):
        self.ensure_verified()
        status, body, _ = self.send_api("orders@shop.dom.test")
        self.assertEqual(status, 202, body)
        token = body["id"].removeprefix("msg_")
        db = sqlite3.connect(f"file:{self.herald.data_dir}/herald.db?mode=ro", uri=True)
        try:
            (mail_from,) = db.execute("SELECT mail_from FROM messages WHERE id = ?", (body["id"],)).fetchone()
        finally:
            db.close()
        self.assertEqual(mail_from, f"bounces+{token}@bounces.shop.dom.test")

if __name__ == "__main__":
    harness.main()
