#!/usr/bin/python3
"""Bounces, complaints and the suppression list end to end (issue 7), against real peers on loopback only.

One Herald daemon in mx mode (delivery.smtp_port: a high port) with its inbound listener on
(smtp.inbound.listen) and the shared return-path domain rp.bn.test (delivery.return_path_domain). NSD serves the
zone bn.test; each recipient domain's MX is a real SMTP server on its own loopback address:
  gone.bn.test  MX → 127.0.0.31, tests/peers/scripted_smtp.py (aiosmtpd) answering 550 5.1.1 at RCPT
  ok.bn.test    MX → 127.0.0.32, Postfix's smtp-sink, which takes everything
Reports come back the way a remote MTA sends them: swaks delivers a DSN (RFC 3464) or an ARF report
(RFC 5965) to the inbound listener, at the message's VERP address or at fbl@ of a sending domain's
return-path host. Bad input (an unknown VERP token, another domain, an oversize report, ordinary mail,
garbage) is refused with a clear reply and changes nothing. The suppressed addresses leave as CSV
(GET /v1/exports/suppressions), each with the reply or report that caused it.
"""
import csv
import email.utils
import io
import os
import subprocess
import time
import uuid

import harness

FINAL = ("delivered", "bounced", "failed", "suppressed")
RETURN_PATH_DOMAIN = "rp.bn.test"
SENDING_DOMAIN = "mail.bn.test"  # registered (pending; domains.allow_unverified): VERP at bounces.mail.bn.test
MAX_REPORT = 200000

ZONE = """
@         IN SOA ns.bn.test. hostmaster.bn.test. 1 3600 600 86400 300
@         IN NS  ns.bn.test.
ns        IN A   127.0.0.1
gone      IN MX  10 mx-gone
mx-gone   IN A   127.0.0.31
ok        IN MX  10 mx-ok
mx-ok     IN A   127.0.0.32
"""


def verp(message_id, host=RETURN_PATH_DOMAIN):
    return f"bounces+{message_id[len('msg_'):]}@{host}"


def dsn(to, recipient, status, diagnostic, action="failed"):
    """A Postfix-style delivery status notification about recipient, as sent to `to`."""
    return (f"From: MAILER-DAEMON@mx.remote.example (Mail Delivery System)\r\n"
            f"To: {to}\r\n"
            f"Date: {email.utils.formatdate()}\r\n"
            f"Subject: Undelivered Mail Returned to Sender\r\n"
            f"Message-ID: <{uuid.uuid4().hex}@mx.remote.example>\r\n"
            f"Auto-Submitted: auto-replied\r\n"
            f"MIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"BOUNDARY\"\r\n\r\n"
            f"--BOUNDARY\r\nContent-Type: text/plain\r\n\r\n"
            f"I'm sorry to have to inform you that your message could not\r\nbe delivered to one or more "
            f"recipients.\r\n\r\n<{recipient}>: host mx.remote.example said: {diagnostic}\r\n\r\n"
            f"--BOUNDARY\r\nContent-Type: message/delivery-status\r\n\r\n"
            f"Reporting-MTA: dns; mx.remote.example\r\n\r\n"
            f"Final-Recipient: rfc822; {recipient}\r\nOriginal-Recipient: rfc822; {recipient}\r\n"
            f"Action: {action}\r\nStatus: {status}\r\nRemote-MTA: dns; mx.remote.example\r\n"
            f"Diagnostic-Code: smtp; {diagnostic}\r\n\r\n"
            f"--BOUNDARY\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            f"From: Shop <orders@shop.example>\r\nTo: {recipient}\r\nSubject: Your order\r\n\r\n"
            f"--BOUNDARY--")


def arf(to, recipient, message_id, domain):
    """An RFC 5965 abuse report about the message (its original's Message-ID as intake writes it)."""
    return (f"From: feedback-loop@isp.example\r\n"
            f"To: {to}\r\n"
            f"Date: {email.utils.formatdate()}\r\n"
            f"Subject: FW: Your order\r\n"
            f"MIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=feedback-report; boundary=\"ARF\"\r\n\r\n"
            f"--ARF\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report for an email message "
            f"received from IP 127.0.0.1.\r\n\r\n"
            f"--ARF\r\nContent-Type: message/feedback-report\r\n\r\n"
            f"Feedback-Type: abuse\r\nUser-Agent: isp-fbl/1.0\r\nVersion: 1\r\n"
            f"Original-Mail-From: <{verp(message_id, 'bounces.' + domain)}>\r\n"
            f"Original-Rcpt-To: <{recipient}>\r\nSource-IP: 127.0.0.1\r\n\r\n"
            f"--ARF\r\nContent-Type: message/rfc822\r\n\r\n"
            f"Message-ID: <{message_id}@{domain}>\r\nFrom: Shop <orders@{domain}>\r\nTo: {recipient}\r\n"
            f"Subject: Your order\r\n\r\nThanks for your order.\r\n"
            f"--ARF--")


class BouncesTest(harness.ProcessTestCase):
    @classmethod
    def start_class(cls):
        cls.dns = cls.own_class(harness.AuthoritativeDns("bn.test", ZONE)).start()
        port = harness.free_port_on(["127.0.0.31", "127.0.0.32"])
        cls.gone = cls.own_class(harness.ScriptedSmtp(
            ["RCPT=550 5.1.1 <gone@gone.bn.test>: Recipient address rejected: User unknown"], name="gone",
            host="127.0.0.31", port=port)).start()
        cls.sink = cls.own_class(harness.SmtpSink(name="ok", host="127.0.0.32", port=port)).start()
        cls.herald = cls.own_class(harness.Herald({
            "delivery.mode": "mx", "delivery.smtp_port": str(port), "dns.nameservers": cls.dns.nameserver,
            "delivery.return_path_domain": RETURN_PATH_DOMAIN, "delivery.retry_initial": "1s",
            "delivery.connect_timeout": "5s", "smtp.inbound.listen": f"{harness.LOOPBACK}:0",
            "smtp.inbound.max_message_size": str(MAX_REPORT)}, name="bounces")).start()
        assert cls.herald.inbound_port, "the inbound listener did not say where it serves"
        cls.work = harness.make_temp_dir("herald-bounces-work-")
        client = cls.herald.client()
        try:
            status, body, _ = client.post("/v1/domains", {"name": SENDING_DOMAIN})
            assert status == 201, (status, body)
        finally:
            client.close()

    @classmethod
    def tearDownClass(cls):
        harness.remove_temp_dir(getattr(cls, "work", None))
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.client = self.herald.client()
        self.addCleanup(self.client.close)

    # -- helpers
    def send(self, to, sender="orders@shop.example"):
        token = uuid.uuid4().hex[:12]
        status, body, _ = self.client.send(harness.message(0, token, to=to, **{"from": f"Shop <{sender}>"}))
        self.assertIn(status, (200, 202), body)
        return status, body

    def final(self, message_id, timeout=60):
        return harness.wait_for_statuses(self.client, [message_id], FINAL, timeout)[message_id]

    def delivered(self, to, sender="orders@shop.example"):
        _, body = self.send(to, sender)
        message = self.final(body["id"])
        self.assertEqual(message["status"], "delivered", message)
        return message

    def suppressions(self, address=None):
        query = f"?address={address}" if address else ""
        status, body, _ = self.client.get(f"/v1/suppressions{query}")
        self.assertEqual(status, 200, body)
        return body["suppressions"]

    def swaks(self, to, data, expect_ok=True):
        """Delivers data to the inbound listener with the null sender; answers swaks's transcript."""
        path = os.path.join(self.work, f"{uuid.uuid4().hex}.eml")
        with open(path, "w", newline="") as f:
            f.write(data)
        out = subprocess.run(["swaks", "--server", harness.LOOPBACK, "--port", str(self.herald.inbound_port),
                              "--from", "<>", "--to", to, "--helo", "mx.remote.example", "--data", f"@{path}",
                              "--timeout", "30"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        text = out.stdout.decode("utf-8", "replace")
        if expect_ok:
            self.assertEqual(out.returncode, 0, text)
        else:
            self.assertNotEqual(out.returncode, 0, text)
        return text

    def snapshot(self):
        """Every message's status and event count, and the suppression list: what bad input must not change
        (once delivery has finished with every message)."""
        messages = harness.wait_until(
            lambda: (lambda ms: ms if all(m["status"] in FINAL for m in ms) else None)(self.client.list_all()), 60,
            what="every message to be final")
        return ({m["id"]: (m["status"], len(self.client.message(m["id"])["events"])) for m in messages},
                self.suppressions())

    # -- the acceptance of issue 7
    def test_a_550_at_rcpt_suppresses_and_the_next_message_is_suppressed_not_sent(self):
        _, first = self.send("Gone@gone.bn.test")
        message = self.final(first["id"])
        self.assertEqual(message["status"], "bounced", message)
        bounced = message["events"][-1]
        self.assertEqual(bounced["bounce"], {"type": "hard", "reason": "user_unknown"}, message)
        self.assertEqual(bounced["remote"]["code"], 550, message)

        entries = self.suppressions("gone@gone.bn.test")
        self.assertEqual(len(entries), 1, entries)
        self.assertEqual((entries[0]["address"], entries[0]["source"], entries[0]["reason"], entries[0]["message_id"]),
                         ("gone@gone.bn.test", "bounce", "user_unknown", first["id"]))

        rcpts_before = [line for _, line in self.gone.transcript() if line.upper().startswith("RCPT")]
        status, second = self.send("gone@GONE.bn.test")
        self.assertEqual(status, 200, second)
        self.assertEqual((second["status"], second["code"]), ("suppressed", "recipient_suppressed"), second)
        message = self.client.message(second["id"])
        self.assertEqual(message["status"], "suppressed", message)
        self.assertEqual([(e["type"], e.get("source"), e.get("reason")) for e in message["events"]],
                         [("suppressed", "bounce", "user_unknown")], message)
        self.assertIsNone(message["next_attempt_at"], message)

        # Through the SMTP relay too: the 250 names it as suppressed.
        connection = harness.create_smtp_connection(self.client, domains=["shop.example"])
        path = os.path.join(self.work, "relay.eml")
        with open(path, "w", newline="") as f:
            f.write("From: Shop <orders@shop.example>\r\nTo: gone@gone.bn.test\r\nSubject: Relay\r\n\r\nHello.\r\n")
        out = subprocess.run(["swaks", "--server", harness.LOOPBACK, "--port", str(self.herald.smtp_port), "--tls",
                              "--auth", "PLAIN", "--auth-user", connection["username"], "--auth-password",
                              connection["password"], "--from", "orders@shop.example", "--to", "gone@gone.bn.test",
                              "--data", f"@{path}", "--timeout", "30"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        transcript = out.stdout.decode("utf-8", "replace")
        self.assertEqual(out.returncode, 0, transcript)
        self.assertRegex(transcript, r"<~  250 2\.0\.0 Ok: suppressed \(recipient_suppressed\): msg_\w+", transcript)
        relayed = self.client.get("/v1/messages?recipient=gone@gone.bn.test&status=suppressed")[1]["messages"]
        self.assertEqual(len(relayed), 2, relayed)

        # Nothing more reached the recipient's server.
        time.sleep(1.5)
        rcpts_after = [line for _, line in self.gone.transcript() if line.upper().startswith("RCPT")]
        self.assertEqual(rcpts_after, rcpts_before)

        # Removed from the list, the address is tried again (and bounces again).
        self.assertEqual(self.client.delete("/v1/suppressions/GONE@gone.bn.test")[0], 204)
        self.assertEqual(self.suppressions("gone@gone.bn.test"), [])
        _, third = self.send("gone@gone.bn.test")
        self.assertEqual(third["status"], "queued", third)
        self.assertEqual(self.final(third["id"])["status"], "bounced")

    def test_a_dsn_from_swaks_bounces_the_accepted_message_with_its_reason(self):
        message = self.delivered("jane@ok.bn.test")
        transcript = self.swaks(verp(message["id"]), dsn(verp(message["id"]), "jane@ok.bn.test", "5.1.1",
                                                         "550 5.1.1 <jane@ok.bn.test>: Recipient address rejected: "
                                                         "User unknown in virtual mailbox table"))
        self.assertIn(f"250 2.0.0 Ok: report recorded for {message['id']}", transcript)
        message = self.client.message(message["id"])
        self.assertEqual(message["status"], "bounced", message)
        event = message["events"][-1]
        self.assertEqual(event["type"], "bounced", message)
        self.assertEqual(event["bounce"], {"type": "hard", "reason": "user_unknown"}, event)
        self.assertEqual((event["report"]["recipient"], event["report"]["status"], event["report"]["code"]),
                         ("jane@ok.bn.test", "5.1.1", 550), event)
        entries = self.suppressions("jane@ok.bn.test")
        self.assertEqual([(e["source"], e["reason"], e["message_id"]) for e in entries],
                         [("bounce", "user_unknown", message["id"])])
        # The next message to the address is suppressed.
        status, body = self.send("jane@ok.bn.test")
        self.assertEqual((status, body["status"]), (200, "suppressed"), body)

    def test_a_soft_dsn_is_an_event_and_suppresses_nothing(self):
        message = self.delivered("full@ok.bn.test")
        self.swaks(verp(message["id"]), dsn(verp(message["id"]), "full@ok.bn.test", "5.2.2",
                                            "552 5.2.2 <full@ok.bn.test>: Mailbox full"))
        message = self.client.message(message["id"])
        self.assertEqual(message["status"], "delivered", message)
        self.assertEqual(message["events"][-1]["bounce"], {"type": "soft", "reason": "mailbox_full"}, message)
        self.assertEqual(self.suppressions("full@ok.bn.test"), [])
        self.assertEqual(self.send("full@ok.bn.test")[1]["status"], "queued")

    def test_an_arf_report_complains_and_suppresses(self):
        message = self.delivered("ann@ok.bn.test", sender=f"orders@{SENDING_DOMAIN}")
        # To the feedback address of the sending domain's return-path host: the Message-ID names the message.
        transcript = self.swaks(f"fbl@bounces.{SENDING_DOMAIN}",
                                arf(f"fbl@bounces.{SENDING_DOMAIN}", "ann@ok.bn.test", message["id"], SENDING_DOMAIN))
        self.assertIn(f"250 2.0.0 Ok: report recorded for {message['id']}", transcript)
        message = self.client.message(message["id"])
        self.assertEqual(message["status"], "delivered", message)
        event = message["events"][-1]
        self.assertEqual((event["type"], event["complaint"]), ("complained", {"feedback_type": "abuse"}), event)
        entries = self.suppressions("ann@ok.bn.test")
        self.assertEqual([(e["source"], e["reason"], e["message_id"]) for e in entries],
                         [("complaint", "abuse", message["id"])])

        # The same report at the message's own VERP address is recorded too; the list keeps its first entry.
        self.swaks(verp(message["id"], f"bounces.{SENDING_DOMAIN}"),
                   arf(verp(message["id"], f"bounces.{SENDING_DOMAIN}"), "ann@ok.bn.test", message["id"], SENDING_DOMAIN))
        self.assertEqual([e["type"] for e in self.client.message(message["id"])["events"]][-2:],
                         ["complained", "complained"])
        self.assertEqual(len(self.suppressions("ann@ok.bn.test")), 1)

    def test_an_automatic_reply_is_noted_and_changes_nothing(self):
        message = self.delivered("away@ok.bn.test")
        transcript = self.swaks(verp(message["id"]),
                                "From: away@ok.bn.test\r\nTo: " + verp(message["id"]) + "\r\nSubject: Out of office\r\n"
                                "Auto-Submitted: auto-replied\r\n\r\nI am away until Monday.\r\n")
        self.assertIn("250 2.0.0 Ok: auto_reply noted, nothing to record", transcript)
        after = self.client.message(message["id"])
        self.assertEqual((after["status"], len(after["events"])), ("delivered", len(message["events"])), after)
        self.assertEqual(self.suppressions("away@ok.bn.test"), [])

    def test_bad_input_is_refused_clearly_and_changes_nothing(self):
        message = self.delivered("kept@ok.bn.test")
        before = self.snapshot()
        smtp = harness.RawSmtp(self.herald.inbound_port)
        try:
            self.assertEqual(smtp.reply()[0], 220)
            self.assertEqual(smtp.command("EHLO mx.remote.example")[0], 250)
            self.assertEqual(smtp.command("AUTH PLAIN AGphbmUAc2VjcmV0"), (502, "5.5.1 AUTH not available"))
            self.assertEqual(smtp.command(f"MAIL FROM:<> SIZE={MAX_REPORT + 1}")[0], 552)
            self.assertEqual(smtp.command("MAIL FROM:<>")[0], 250)
            unknown = verp("msg_" + "0" * 26)
            self.assertEqual(smtp.command(f"RCPT TO:<{unknown}>"), (550, "5.1.1 No such return path: unknown message"))
            self.assertEqual(smtp.command("RCPT TO:<bounces+garbage@rp.bn.test>"), (550, "5.1.1 No such return path"))
            self.assertEqual(smtp.command("RCPT TO:<kept@ok.bn.test>")[0:1], (550,))
            self.assertEqual(smtp.command(f"RCPT TO:<{verp(message['id'], 'shop.example')}>")[1][:5], "5.7.1")
            self.assertEqual(smtp.command("DATA"), (554, "5.5.1 No valid recipients"))

            # Ordinary mail and garbage at a real return path: refused after the data.
            self.assertEqual(smtp.command("RSET")[0], 250)
            for body in ("From: someone@example.org\r\nSubject: hello\r\n\r\nAre you there?\r\n",
                         "\x01\x02\x03 not a message at all \x7f\r\n" * 5):
                self.assertEqual(smtp.command("MAIL FROM:<someone@example.org>")[0], 250)
                self.assertEqual(smtp.command(f"RCPT TO:<{verp(message['id'])}>")[0], 250)
                self.assertEqual(smtp.command("DATA")[0], 354)
                smtp.send_raw(body.encode("latin-1") + b".\r\n")
                code, text = smtp.reply()
                self.assertEqual((code, text[:5]), (550, "5.6.0"), text)

            # Oversize data (SIZE not declared): 552 once the limit is passed.
            self.assertEqual(smtp.command("MAIL FROM:<>")[0], 250)
            self.assertEqual(smtp.command(f"RCPT TO:<{verp(message['id'])}>")[0], 250)
            self.assertEqual(smtp.command("DATA")[0], 354)
            report = dsn(verp(message["id"]), "kept@ok.bn.test", "5.1.1", "550 5.1.1 unknown")
            padding = ("X-Padding: " + "x" * 900 + "\r\n") * (MAX_REPORT // 900 + 10)
            smtp.send_raw((padding + report + "\r\n.\r\n").encode())
            code, text = smtp.reply()
            self.assertEqual((code, text[:5]), (552, "5.3.4"), text)
            self.assertEqual(smtp.command("QUIT")[0], 221)
        finally:
            smtp.close()

        # A report to postmaster@ naming no message of this server.
        transcript = self.swaks(f"postmaster@bounces.{SENDING_DOMAIN}",
                                dsn(f"postmaster@bounces.{SENDING_DOMAIN}", "kept@ok.bn.test", "5.1.1", "550 5.1.1 unknown"),
                                expect_ok=False)
        self.assertIn("550 5.6.0 The report names no message sent by this server", transcript)
        self.assertEqual(self.snapshot(), before)

    def test_the_suppression_api(self):
        other = harness.create_accounts(self.herald, [f"other-{uuid.uuid4().hex[:6]}"]).popitem()[1]
        other_client = harness.ApiClient(self.herald.port, other["api_key"])
        self.addCleanup(other_client.close)

        status, body, _ = self.client.post("/v1/suppressions", {"address": "Manual@Example.COM", "reason": "asked to stop"})
        self.assertEqual(status, 201, body)
        self.assertEqual((body["address"], body["reason"], body["source"], body["message_id"]),
                         ("manual@example.com", "asked to stop", "manual", None))
        status, body, _ = self.client.post("/v1/suppressions", {"address": "manual@example.com"})
        self.assertEqual((status, body["error"]["code"], body["error"]["field"]), (409, "already_suppressed", "address"))
        for bad, code in (({"address": "not an address"}, "invalid_address"), ({}, "missing_field"),
                          ({"address": "a@example.com", "reason": "x\ny"}, "invalid_value"),
                          ({"address": "a@example.com", "why": "x"}, "unknown_field")):
            status, body, _ = self.client.post("/v1/suppressions", bad)
            self.assertEqual((status, body["error"]["code"]), (422, code), (bad, body))
        self.assertEqual(self.client.post("/v1/suppressions", "{nope")[0], 400)

        # The entry suppresses this account's messages only.
        status, body = self.send("manual@example.com")
        self.assertEqual((status, body["status"], body["code"]), (200, "suppressed", "recipient_suppressed"))
        status, body, _ = other_client.send(harness.message(0, "x", to="manual@example.com"))
        self.assertEqual((status, body["status"]), (202, "queued"), body)
        self.assertEqual(other_client.get("/v1/suppressions?address=manual@example.com")[1]["suppressions"], [])
        self.assertEqual(other_client.delete("/v1/suppressions/manual@example.com")[0], 404)

        # Pages, newest first.
        added = [f"page{n}@example.com" for n in range(5)]
        for address in added:
            self.assertEqual(self.client.post("/v1/suppressions", {"address": address})[0], 201)
        listed = self.client.list_all("/v1/suppressions", page=2, key="suppressions")
        addresses = [e["address"] for e in listed]
        self.assertEqual(addresses[:5], list(reversed(added)), addresses)
        self.assertIn("manual@example.com", addresses)
        status, body, _ = self.client.get("/v1/suppressions?cursor=nonsense")
        self.assertEqual((status, body["error"]["field"]), (422, "cursor"), body)
        self.assertEqual(self.client.get("/v1/suppressions?limit=0")[0], 422)

        self.assertEqual(self.client.delete("/v1/suppressions/manual%40example.com")[0], 204)
        self.assertEqual(self.client.delete("/v1/suppressions/manual@example.com")[0], 404)
        self.assertEqual(self.send("manual@example.com")[1]["status"], "queued")

    def test_the_invalid_addresses_export_as_csv(self):
        # An account of its own: the other tests' entries stay out of its export.
        name = f"export-{uuid.uuid4().hex[:6]}"
        account = harness.create_accounts(self.herald, [name])[name]
        client = harness.ApiClient(self.herald.port, account["api_key"])
        self.addCleanup(client.close)
        tag = uuid.uuid4().hex[:6]

        def sent(to):
            status, body, _ = client.send(harness.message(0, tag, to=to))
            self.assertEqual(status, 202, body)
            return harness.wait_for_statuses(client, [body["id"]], FINAL, 60)[body["id"]]

        # A 550 at RCPT, a DSN whose diagnostic holds quotes and a comma, an ARF complaint.
        refused = sent(f"gone-{tag}@gone.bn.test")
        self.assertEqual(refused["status"], "bounced", refused)
        joe, ann = f"joe-{tag}@ok.bn.test", f"ann-{tag}@ok.bn.test"
        reported = sent(joe)
        diagnostic = f'550 5.1.1 <{joe}>: Recipient address rejected: User unknown, "joe" left'
        self.swaks(verp(reported["id"]), dsn(verp(reported["id"]), joe, "5.1.1", diagnostic))
        complained = sent(ann)
        self.swaks(verp(complained["id"]), arf(verp(complained["id"]), ann, complained["id"], "shop.example"))
        # More manual entries than one page of the export holds (1,000).
        manual = [f"m{n:04d}-{tag}@example.com" for n in range(1001)]
        for n, address in enumerate(manual):
            reason = 'asked "twice", by phone' if n == 500 else "asked"
            status, body, _ = client.post("/v1/suppressions", {"address": address, "reason": reason})
            self.assertEqual(status, 201, body)

        def export(query=""):
            status, body, headers = client.get("/v1/exports/suppressions" + query)
            self.assertEqual(status, 200, body)
            self.assertTrue(headers["content-type"].startswith("text/csv"), headers)
            self.assertEqual(headers.get("transfer-encoding"), "chunked")
            text = body["_raw"]
            self.assertTrue(text.startswith("address,created_at,source,reason,smtp_code,enhanced_code,diagnostic,"
                                            "message_id\r\n"), text[:200])
            return list(csv.DictReader(io.StringIO(text, newline="")))

        # By default: what bounces and complaints put there, newest first, each with what was said.
        rows = export()
        self.assertEqual([r["address"] for r in rows], [ann, joe, f"gone-{tag}@gone.bn.test"], rows)
        by_address = {r["address"]: r for r in rows}
        self.assertEqual({k: by_address[ann][k] for k in ("source", "reason", "smtp_code", "diagnostic", "message_id")},
                         {"source": "complaint", "reason": "abuse", "smtp_code": "", "diagnostic": "",
                          "message_id": complained["id"]})
        row = by_address[joe]
        self.assertEqual((row["source"], row["reason"], row["smtp_code"], row["enhanced_code"], row["message_id"]),
                         ("bounce", "user_unknown", "550", "5.1.1", reported["id"]), row)
        self.assertIn(diagnostic, row["diagnostic"])  # read back whole: quotes and comma
        row = by_address[f"gone-{tag}@gone.bn.test"]
        self.assertEqual((row["source"], row["reason"], row["smtp_code"], row["enhanced_code"], row["message_id"]),
                         ("bounce", "user_unknown", "550", "5.1.1", refused["id"]), row)
        self.assertIn("User unknown", row["diagnostic"])
        self.assertRegex(row["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

        # Manual entries when asked for: more than a page, each once, newest first.
        rows = export("?source=manual")
        self.assertEqual(len(rows), 1001)
        self.assertEqual(sorted(r["address"] for r in rows), manual)
        self.assertEqual(rows, sorted(rows, key=lambda r: (r["created_at"], r["address"]), reverse=True))
        self.assertEqual([r["reason"] for r in rows if r["address"] == manual[500]], ['asked "twice", by phone'])
        self.assertTrue(all(r["source"] == "manual" and r["message_id"] == "" for r in rows))
        self.assertEqual(len(export("?source=all")), 1004)
        self.assertEqual(len(export("?source=complaint,manual")), 1002)

        # Reason and period.
        self.assertEqual([r["address"] for r in export("?reason=abuse")], [ann])
        self.assertEqual({r["address"] for r in export("?reason=user_unknown")}, {joe, f"gone-{tag}@gone.bn.test"})
        self.assertEqual(export("?reason=asked&source=all&to=2000-01-01"), [])  # the header alone
        since = by_address[joe]["created_at"]
        self.assertEqual([r["address"] for r in export(f"?from={since}")], [ann, joe])
        self.assertEqual([r["address"] for r in export(f"?to={since}")], [f"gone-{tag}@gone.bn.test"])
        self.assertEqual(len(export("?source=all&from=2000-01-01&to=2100-12-31")), 1004)

        # Another account's export shows none of them.
        self.assertFalse([r for r in self.client.get("/v1/exports/suppressions?source=all")[1]["_raw"].splitlines()
                          if tag in r])

        for query, field in (("from=soon", "from"), ("to=2026-13-01", "to"), ("source=spam", "source"),
                             ("source=bounce,bounce", "source"), ("source=", "source"), ("reason=", "reason"),
                             ("from=2026-12-02&to=2026-12-01", "from")):
            with self.subTest(query=query):
                status, error, _ = client.get("/v1/exports/suppressions?" + query)
                self.assertEqual((status, error["error"]["code"], error["error"]["field"]), (422, "invalid_value", field))
        self.assertEqual(client.get("/v1/exports/suppressions", api_key="")[0], 401)


if __name__ == "__main__":
    harness.main()
