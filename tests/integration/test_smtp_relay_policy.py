#!/usr/bin/python3
"""The SMTP relay refuses what it must, each with its exact reply, and stores nothing when it does (issue 3,
acceptance 2): AUTH before STARTTLS, a wrong password, a disabled connection, a foreign envelope sender, a
foreign From:, a 31 MB message (declared and undeclared), a 2,000-byte command line, junk commands, SMTP
smuggling payloads. Also: trusted networks without AUTH, and require_tls for them."""
import base64

import harness

DOMAIN = "shop.example"


def plain(username, password):
    return base64.b64encode(f"\0{username}\0{password}".encode()).decode()


def message(sender=f"orders@{DOMAIN}", subject="Order 1001", body="Thank you.\r\n"):
    return (f"From: Shop <{sender}>\r\nTo: jane@example.com\r\nSubject: {subject}\r\n\r\n{body}").encode()


class SmtpRelayPolicyTest(harness.ProcessTestCase):
    @classmethod
    def start_class(cls):
        cls.herald = cls.own_class(harness.Herald({"smtp.max_errors": 20, "smtp.max_junk_commands": 100},
                                                  name="smtp-policy")).start()
        cls.api = cls.herald.client()
        cls.connection = harness.create_smtp_connection(cls.api, name="policy")

    @classmethod
    def tearDownClass(cls):
        cls.api.close()
        super().tearDownClass()

    def stored(self):
        return len(self.api.list_all())

    def session(self, tls=True, auth=True, connection=None):
        """A session past EHLO; with tls, after STARTTLS and a second EHLO; with auth, authenticated."""
        smtp = harness.RawSmtp(self.herald.smtp_port)
        self.addCleanup(smtp.close)
        self.assertEqual(smtp.reply()[0], 220)
        self.assertEqual(smtp.command("EHLO client.test")[0], 250)
        if tls:
            self.assertEqual(smtp.starttls()[0], 220)
            self.assertEqual(smtp.command("EHLO client.test")[0], 250)
        if auth:
            c = connection or self.connection
            self.assertEqual(smtp.command(f"AUTH PLAIN {plain(c['username'], c['password'])}")[0], 235)
        return smtp

    def assertReply(self, reply, code, enhanced):
        self.assertEqual(reply[0], code, reply)
        self.assertTrue(reply[1].startswith(enhanced), reply)

    def test_a_good_message_is_accepted_after_the_commit_and_stored(self):
        before = self.stored()
        smtp = self.session()
        self.assertReply(smtp.command(f"MAIL FROM:<orders@{DOMAIN}>"), 250, "2.1.0")
        self.assertReply(smtp.command("RCPT TO:<jane@example.com>"), 250, "2.1.5")
        self.assertReply(smtp.command("DATA"), 354, "")
        smtp.send_raw(message() + b".\r\n")
        code, text = smtp.reply()
        self.assertEqual(code, 250, text)
        message_id = text.split("queued as ")[1].split()[0]
        self.assertEqual(self.api.message(message_id)["status"] in ("queued", "delivered"), True)
        self.assertEqual(self.stored(), before + 1)

    def test_auth_before_starttls_is_refused(self):
        before = self.stored()
        smtp = self.session(tls=False, auth=False)
        ehlo = smtp.command("EHLO client.test")
        self.assertNotIn("AUTH", ehlo[1], "AUTH must not be offered before TLS")
        self.assertIn("STARTTLS", ehlo[1])
        c = self.connection
        self.assertReply(smtp.command(f"AUTH PLAIN {plain(c['username'], c['password'])}"), 530, "5.7.0")
        self.assertReply(smtp.command(f"MAIL FROM:<orders@{DOMAIN}>"), 530, "5.7.0")
        self.assertEqual(self.stored(), before)

    def test_a_wrong_password_is_refused(self):
        smtp = self.session(auth=False)
        self.assertReply(smtp.command(f"AUTH PLAIN {plain(self.connection['username'], 'not-the-password')}"),
                         535, "5.7.8")
        self.assertReply(smtp.command(f"MAIL FROM:<orders@{DOMAIN}>"), 530, "5.7.0")

    def test_a_disabled_connection_cannot_authenticate(self):
        disabled = harness.create_smtp_connection(self.api, name="disabled")
        status, body, _ = self.api.request("PATCH", f"/v1/smtp-connections/{disabled['id']}", {"enabled": False})
        self.assertEqual(status, 200, body)
        smtp = self.session(auth=False)
        self.assertReply(smtp.command(f"AUTH PLAIN {plain(disabled['username'], disabled['password'])}"), 535, "5.7.8")

    def test_a_foreign_envelope_sender_is_refused(self):
        before = self.stored()
        smtp = self.session()
        reply = smtp.command("MAIL FROM:<orders@other.example>")
        self.assertReply(reply, 550, "5.7.1")
        self.assertIn("other.example", reply[1])
        self.assertReply(smtp.command("MAIL FROM:<>"), 550, "5.7.1")
        self.assertEqual(self.stored(), before)

    def test_a_foreign_from_header_is_refused_after_the_data(self):
        before = self.stored()
        smtp = self.session()
        self.assertReply(smtp.command(f"MAIL FROM:<orders@{DOMAIN}>"), 250, "2.1.0")
        self.assertReply(smtp.command("RCPT TO:<jane@example.com>"), 250, "2.1.5")
        self.assertReply(smtp.command("DATA"), 354, "")
        smtp.send_raw(message(sender="ceo@other.example") + b".\r\n")
        reply = smtp.reply()
        self.assertReply(reply, 550, "5.7.1")
        self.assertIn("other.example", reply[1])
        self.assertEqual(self.stored(), before)
        # The session goes on: the next, proper message is accepted.
        self.assertReply(smtp.command(f"MAIL FROM:<orders@{DOMAIN}>"), 250, "2.1.0")

    def test_a_31_mb_message_is_refused_declared_or_not(self):
        before = self.stored()
        smtp = self.session()
        self.assertReply(smtp.command(f"MAIL FROM:<orders@{DOMAIN}> SIZE=31000000"), 552, "5.3.4")
        # Undeclared: read to its end, then refused.
        self.assertReply(smtp.command(f"MAIL FROM:<orders@{DOMAIN}>"), 250, "2.1.0")
        self.assertReply(smtp.command("RCPT TO:<jane@example.com>"), 250, "2.1.5")
        self.assertReply(smtp.command("DATA"), 354, "")
        line = b"x" * 998 + b"\r\n"
        smtp.send_raw(message(body="start\r\n"))
        for _ in range(31_000_000 // len(line) + 1):
            smtp.send_raw(line)
        smtp.send_raw(b".\r\n")
        self.assertReply(smtp.reply(), 552, "5.3.4")
        self.assertEqual(self.stored(), before)
        self.assertReply(smtp.command("NOOP"), 250, "2.0.0")

    def test_a_2000_byte_command_line_is_refused(self):
        smtp = self.session()
        self.assertReply(smtp.command("MAIL FROM:<" + "a" * 1980 + f"@{DOMAIN}>"), 500, "5.5.2")
        self.assertReply(smtp.command("NOOP"), 250, "2.0.0")

    def test_unknown_commands_end_the_session_at_the_error_limit(self):
        smtp = self.session(tls=False, auth=False)
        smtp.send_raw(b"".join(b"XJUNK %d\r\n" % i for i in range(100)))
        replies = []
        try:
            while True:
                replies.append(smtp.reply())
        except (ConnectionError, OSError):
            pass
        codes = [code for code, _ in replies]
        self.assertEqual(codes[-1], 421, replies[-3:])
        self.assertTrue(replies[-1][1].startswith("4.7.0"), replies[-1])
        self.assertEqual(codes.count(500), 20, "the 20th error ends the session")
        self.assertTrue(smtp.closed())

    def test_noop_junk_ends_the_session_at_the_junk_limit(self):
        smtp = self.session(tls=False, auth=False)
        smtp.send_raw(b"NOOP\r\n" * 150)
        replies = []
        try:
            while True:
                replies.append(smtp.reply())
        except (ConnectionError, OSError):
            pass
        self.assertEqual(replies[-1][0], 421, replies[-3:])
        self.assertTrue(replies[-1][1].startswith("4.7.0"), replies[-1])
        self.assertLessEqual(len([r for r in replies if r[0] == 250]), 100)
        self.assertTrue(smtp.closed())

    def smuggle(self, payload):
        before = self.stored()
        smtp = self.session()
        self.assertReply(smtp.command(f"MAIL FROM:<orders@{DOMAIN}>"), 250, "2.1.0")
        self.assertReply(smtp.command("RCPT TO:<jane@example.com>"), 250, "2.1.5")
        self.assertReply(smtp.command("DATA"), 354, "")
        smuggled = (f"MAIL FROM:<orders@{DOMAIN}>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n"
                    f"From: <orders@{DOMAIN}>\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\n").encode()
        smtp.send_raw(message(body="first part\r\n") + payload + smuggled)
        # Only the real end of data ends it: one reply, for the whole thing, and it is a refusal.
        reply = smtp.reply()
        self.assertReply(reply, 550, "5.6.0")
        self.assertReply(smtp.command("NOOP"), 250, "2.0.0")  # no replies to smuggled commands are pending
        self.assertEqual(self.stored(), before)

    def test_smuggling_with_lf_dot_lf_is_refused(self):
        self.smuggle(b"\n.\n")

    def test_smuggling_with_cr_dot_cr_is_refused(self):
        self.smuggle(b"\r.\r")

    def test_smuggling_with_mixed_line_ends_is_refused(self):
        self.smuggle(b"\r\n.\n")
        self.smuggle(b"\n.\r\n")

    def test_trusted_network_sends_without_auth_and_may_be_told_to_use_tls(self):
        # Trusted networks of two connections may not overlap: each test uses its own loopback address.
        trusted = harness.create_smtp_connection(self.api, name="trusted", trusted_networks=["127.0.0.2/32"],
                                                 require_tls=False)
        strict = harness.create_smtp_connection(self.api, name="strict", trusted_networks=["127.0.0.3/32"])
        for address, connection, wants_tls in (("127.0.0.2", trusted, False), ("127.0.0.3", strict, True)):
            smtp = harness.RawSmtp(self.herald.smtp_port, source=address)
            self.addCleanup(smtp.close)
            self.assertEqual(smtp.reply()[0], 220)
            self.assertEqual(smtp.command("EHLO client.test")[0], 250)
            mail = smtp.command(f"MAIL FROM:<orders@{DOMAIN}>")
            if wants_tls:
                self.assertReply(mail, 530, "5.7.0")
                self.assertEqual(smtp.starttls()[0], 220)
                self.assertEqual(smtp.command("EHLO client.test")[0], 250)
                mail = smtp.command(f"MAIL FROM:<orders@{DOMAIN}>")
            self.assertReply(mail, 250, "2.1.0")
            self.assertReply(smtp.command("RCPT TO:<jane@example.com>"), 250, "2.1.5")
            self.assertReply(smtp.command("DATA"), 354, "")
            smtp.send_raw(message(subject=f"via {connection['name']}") + b".\r\n")
            self.assertEqual(smtp.reply()[0], 250)


class SmtpRelayLimitsTest(harness.ProcessTestCase):
    """Limits that need a daemon of their own: the connection limit and failed-AUTH throttling."""

    def test_connections_beyond_the_limit_are_told_421(self):
        herald = self.own(harness.Herald({"smtp.max_connections": 2}, name="smtp-maxconn")).start()
        held = [harness.RawSmtp(herald.smtp_port) for _ in range(2)]
        for smtp in held:
            self.addCleanup(smtp.close)
            self.assertEqual(smtp.reply()[0], 220)
        third = harness.RawSmtp(herald.smtp_port)
        self.addCleanup(third.close)
        code, text = third.reply()
        self.assertEqual(code, 421, text)
        self.assertTrue(text.startswith("4.7.0"), text)
        self.assertTrue(third.closed())
        held[0].command("QUIT")
        held[0].close()

        def accepted():
            smtp = harness.RawSmtp(herald.smtp_port)
            try:
                return smtp.reply()[0] == 220
            finally:
                smtp.close()
        harness.wait_until(accepted, 10, 0.1, "a free slot after a session ended")

    def test_failed_auth_is_throttled_per_client_address(self):
        herald = self.own(harness.Herald({"smtp.auth_failure_limit": 3, "smtp.auth_failure_window": "10m"},
                                         name="smtp-throttle")).start()
        api = herald.client()
        self.addCleanup(api.close)
        connection = harness.create_smtp_connection(api)

        def auth(password, source="127.0.0.1"):
            smtp = harness.RawSmtp(herald.smtp_port, source=source)
            try:
                smtp.reply()
                smtp.command("EHLO client.test")
                smtp.starttls()
                smtp.command("EHLO client.test")
                return smtp.command(f"AUTH PLAIN {plain(connection['username'], password)}")
            finally:
                smtp.close()

        for _ in range(3):
            self.assertEqual(auth("wrong")[0], 535)
        code, text = auth(connection["password"])
        self.assertEqual(code, 454, "the right password is refused too while the address is throttled")
        self.assertTrue(text.startswith("4.7.0"), text)
        self.assertEqual(auth(connection["password"], source="127.0.0.5")[0], 235,
                         "another client address is not affected")

    def test_a_graceful_stop_tells_waiting_clients_421_and_keeps_no_half_sent_message(self):
        herald = self.own(harness.Herald(name="smtp-stop")).start()
        api = herald.client()
        connection = harness.create_smtp_connection(api)
        api.close()

        idle = harness.RawSmtp(herald.smtp_port)
        self.addCleanup(idle.close)
        idle.reply()
        self.assertEqual(idle.command("EHLO client.test")[0], 250)
        sending = harness.RawSmtp(herald.smtp_port)
        self.addCleanup(sending.close)
        sending.reply()
        sending.command("EHLO client.test")
        sending.starttls()
        sending.command("EHLO client.test")
        self.assertEqual(sending.command(f"AUTH PLAIN {plain(connection['username'], connection['password'])}")[0],
                         235)
        sending.command(f"MAIL FROM:<orders@{DOMAIN}>")
        sending.command("RCPT TO:<jane@example.com>")
        self.assertEqual(sending.command("DATA")[0], 354)
        sending.send_raw(message(body="the first half of a message\r\n"))  # and never the end

        self.assertEqual(herald.terminate(timeout=30), 0, herald.log_tail())
        for smtp in (idle, sending):
            code, text = smtp.reply()
            self.assertEqual(code, 421, text)
            self.assertTrue(text.startswith("4.3.2"), text)

        herald.restart()
        api = herald.client()
        self.addCleanup(api.close)
        self.assertEqual(api.list_all(), [], "nothing of the unfinished message may be stored")


if __name__ == "__main__":
    harness.main()
