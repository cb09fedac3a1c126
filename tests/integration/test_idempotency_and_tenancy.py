#!/usr/bin/python3
"""Idempotency keys return the first message instead of making a second one; the sandbox shows the MIME
message as it would have left (multipart/alternative, encoded UTF-8 subject); search pages with a cursor;
tenants never see each other's messages. Capture delivery."""
import email
import email.policy
import threading
import uuid

import harness

SUBJECT = "Bestätigung Ihrer Bestellung Nr. 1001 – vielen Dank ✓"
HTML = "<p>Grüße aus Köln! Ihre Bestellung ist unterwegs.</p>"
TEXT = "Grüße aus Köln! Ihre Bestellung ist unterwegs.\n"


class IdempotencyAndTenancyTest(harness.ProcessTestCase):
    @classmethod
    def start_class(cls):
        cls.herald = cls.own_class(harness.Herald({"delivery.mode": "capture"}, name="tenancy")).start()
        cls.accounts = harness.create_accounts(cls.herald, ("alpha", "beta"))

    def client_of(self, name):
        client = self.herald.client(self.accounts[name]["api_key"])
        self.addCleanup(client.close)
        return client

    def test_account_creation_answer(self):
        alpha = self.accounts["alpha"]
        self.assertEqual(alpha["name"], "alpha")
        self.assertTrue(alpha["id"] and alpha["api_key"].startswith("hk_"), alpha)
        self.assertNotEqual(alpha["id"], self.accounts["beta"]["id"])
        # The secret appears only in the creating answer: listing keys shows no secret.
        status, body, _ = self.client_of("alpha").get("/v1/api-keys")
        self.assertEqual(status, 200, body)
        self.assertNotIn(alpha["api_key"], str(body))

    def test_same_idempotency_key_gives_the_same_message(self):
        alpha = self.client_of("alpha")
        key = "order-1001-" + uuid.uuid4().hex
        to = f"idem-{uuid.uuid4().hex[:8]}@example.com"
        message = {"from": "orders@shop.example", "to": to, "subject": "Order 1001", "text": "Hi",
                   "idempotency_key": key}
        status1, first, headers1 = alpha.send(message)
        status2, second, headers2 = alpha.send(message)
        self.assertEqual((status1, status2), (202, 202), (first, second))
        self.assertEqual(first["id"], second["id"])
        self.assertNotIn("idempotent-replayed", headers1)
        self.assertEqual(headers2.get("idempotent-replayed"), "true", headers2)
        # Even with a different body, the key names the first message.
        status3, third, headers3 = alpha.send(dict(message, subject="Order 1001 (again)"))
        self.assertEqual((status3, third["id"]), (202, first["id"]), third)
        self.assertEqual(headers3.get("idempotent-replayed"), "true", headers3)

        found = alpha.list_all(query=f"recipient={to}")
        self.assertEqual([m["id"] for m in found], [first["id"]], found)
        harness.wait_for_statuses(alpha, [first["id"]], ("delivered",), timeout=60)
        sandbox = [m for m in alpha.list_all("/v1/sandbox/messages") if m["to"] == to]
        self.assertEqual(len(sandbox), 1, sandbox)
        self.assertEqual(alpha.message(first["id"])["subject"], "Order 1001")

        # Without a key, the same body makes a new message each time.
        status, other, _ = alpha.send({k: v for k, v in message.items() if k != "idempotency_key"})
        self.assertEqual(status, 202, other)
        self.assertNotEqual(other["id"], first["id"])

        # The same key in another account is another account's business: a new message there.
        beta = self.client_of("beta")
        status, theirs, headers = beta.send(message)
        self.assertEqual(status, 202, theirs)
        self.assertNotEqual(theirs["id"], first["id"], "an idempotency key reached another account's message")
        self.assertNotIn("idempotent-replayed", headers)

    def test_concurrent_sends_with_one_idempotency_key_make_one_message(self):
        key = "race-" + uuid.uuid4().hex
        to = f"race-{uuid.uuid4().hex[:8]}@example.com"
        message = {"from": "orders@shop.example", "to": to, "subject": "Race", "text": "Hi", "idempotency_key": key}
        answers = []
        lock = threading.Lock()

        def send():
            client = self.herald.client(self.accounts["alpha"]["api_key"])
            try:
                answer = client.send(message)
            finally:
                client.close()
            with lock:
                answers.append(answer)

        threads = [threading.Thread(target=send) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual([a[0] for a in answers], [202] * 8, answers)
        self.assertEqual(len({a[1]["id"] for a in answers}), 1, answers)
        self.assertEqual(sum(1 for a in answers if a[2].get("idempotent-replayed") == "true"), 7, answers)
        found = self.client_of("alpha").list_all(query=f"recipient={to}")
        self.assertEqual(len(found), 1, found)

    def test_sandbox_shows_the_mime_message(self):
        alpha = self.client_of("alpha")
        to = f"mime-{uuid.uuid4().hex[:8]}@example.com"
        status, sent, _ = alpha.send({"from": {"email": "orders@shop.example", "name": "Café Zürich"},
                                      "to": f"Jane Doe <{to}>", "reply_to": "help@shop.example",
                                      "subject": SUBJECT, "html": HTML, "text": TEXT,
                                      "headers": {"X-Campaign": "autumn"}, "tags": ["order"],
                                      "metadata": {"order": "1001"}})
        self.assertEqual(status, 202, sent)
        body = harness.wait_for_statuses(alpha, [sent["id"]], ("delivered",), timeout=60)[sent["id"]]
        self.assertEqual([e["type"] for e in body["events"]], ["queued", "sent", "delivered"], body)
        self.assertEqual(body["subject"], SUBJECT)
        self.assertEqual(body["tags"], ["order"])
        self.assertEqual(body["metadata"], {"order": "1001"})

        status, captured, _ = alpha.get(f"/v1/sandbox/messages/{sent['id']}")
        self.assertEqual(status, 200, captured)
        self.assertEqual(captured["id"], sent["id"])
        raw = captured["raw"]
        raw_bytes = raw.encode("utf-8")
        self.assertTrue(all(b < 0x80 for b in raw_bytes), "the message is not 7-bit clean")
        self.assertNotIn("\n", raw.replace("\r\n", ""), "bare LF in the message")
        for line in raw.split("\r\n"):
            self.assertLessEqual(len(line), 998, "a line longer than RFC 5322 allows")
        head = raw.split("\r\n\r\n", 1)[0]
        subject_lines = [line for line in head.split("\r\n") if line.lower().startswith("subject:")]
        self.assertEqual(len(subject_lines), 1, head)
        self.assertIn("=?", subject_lines[0], "the UTF-8 subject is not an encoded word")
        self.assertRegex(subject_lines[0].lower(), r"=\?utf-8\?[bq]\?")

        parsed = email.message_from_bytes(raw_bytes, policy=email.policy.default)
        self.assertEqual(str(parsed["Subject"]), SUBJECT)
        self.assertEqual(parsed.get_content_type(), "multipart/alternative")
        self.assertEqual(parsed["Message-ID"].strip(), f"<{sent['id']}@shop.example>")
        self.assertEqual(parsed["From"].addresses[0].addr_spec, "orders@shop.example")
        self.assertEqual(parsed["From"].addresses[0].display_name, "Café Zürich")
        self.assertEqual(parsed["To"].addresses[0].addr_spec, to)
        self.assertEqual(parsed["Reply-To"].addresses[0].addr_spec, "help@shop.example")
        self.assertEqual(parsed["X-Campaign"], "autumn")
        self.assertEqual(parsed["MIME-Version"], "1.0")
        self.assertIsNotNone(parsed["Date"])
        parts = {part.get_content_type(): part for part in parsed.iter_parts()}
        self.assertEqual(list(parts), ["text/plain", "text/html"], "text first, HTML last (RFC 2046 §5.1.4)")
        self.assertEqual(parts["text/plain"].get_content().replace("\r\n", "\n").rstrip("\n"), TEXT.rstrip("\n"))
        self.assertIn(HTML, parts["text/html"].get_content())
        for part in parts.values():
            self.assertEqual(part.get_content_charset(), "utf-8")

    def test_search_pages_and_filters(self):
        alpha = self.client_of("alpha")
        to = f"page-{uuid.uuid4().hex[:8]}@example.com"
        ids = []
        for n in range(5):
            status, body, _ = alpha.send({"from": "orders@shop.example", "to": to, "subject": f"Page {n}",
                                          "text": "Hi"})
            self.assertEqual(status, 202, body)
            ids.append(body["id"])
        pages, cursor = [], None
        for _ in range(10):
            status, body, _ = alpha.get(f"/v1/messages?recipient={to}&limit=2" + (f"&cursor={cursor}" if cursor else ""))
            self.assertEqual(status, 200, body)
            pages.append([m["id"] for m in body["messages"]])
            cursor = body["next_cursor"]
            if cursor is None:
                break
        self.assertEqual([len(p) for p in pages], [2, 2, 1], pages)
        self.assertEqual(sorted(sum(pages, [])), sorted(ids))
        harness.wait_for_statuses(alpha, ids, ("delivered",), timeout=60)
        delivered = alpha.list_all(query=f"recipient={to}&status=delivered")
        self.assertEqual(sorted(m["id"] for m in delivered), sorted(ids))
        self.assertEqual(alpha.list_all(query=f"recipient={to}&status=failed"), [])

    def test_another_account_sees_nothing(self):
        alpha, beta = self.client_of("alpha"), self.client_of("beta")
        to = f"private-{uuid.uuid4().hex[:8]}@example.com"
        status, sent, _ = alpha.send({"from": "orders@shop.example", "to": to, "subject": "Private", "text": "Hi"})
        self.assertEqual(status, 202, sent)
        harness.wait_for_statuses(alpha, [sent["id"]], ("delivered",), timeout=60)
        self.assertEqual([m["id"] for m in alpha.list_all(query=f"recipient={to}")], [sent["id"]])

        self.assertEqual(beta.list_all(query=f"recipient={to}"), [])
        self.assertNotIn(sent["id"], [m["id"] for m in beta.list_all()])
        self.assertNotIn(sent["id"], [m["id"] for m in beta.list_all("/v1/sandbox/messages")])
        for path in (f"/v1/messages/{sent['id']}", f"/v1/sandbox/messages/{sent['id']}"):
            status, body, _ = beta.get(path)
            self.assertEqual((status, body["error"]["code"]), (404, "not_found"), (path, body))
        # Nor can the other account page through with this account's cursor.
        status, page, _ = alpha.get("/v1/messages?limit=1")
        if page.get("next_cursor"):
            status, body, _ = beta.get(f"/v1/messages?limit=1000&cursor={page['next_cursor']}")
            if status == 200:
                self.assertNotIn(sent["id"], [m["id"] for m in body["messages"]])


if __name__ == "__main__":
    harness.main()
