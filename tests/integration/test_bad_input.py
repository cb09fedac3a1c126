#!/usr/bin/python3
"""Bad input gets a clear, typed error and changes nothing (DESIGN §2a, §5): malformed and wrongly typed JSON,
missing and unknown fields, invalid addresses, oversize fields and bodies, header injection, missing, wrong,
malformed and revoked API keys, the wrong scope, and another tenant's ids. Capture delivery."""
import json
import socket
import uuid

import harness

BODY_LIMIT = 3 * 1024 * 1024  # a 2 MB subject fits (and is refused as too long); a 4 MB body does not
VALID = {"from": "Shop <orders@shop.example>", "to": "jane@example.com", "subject": "Your order", "text": "Hi"}


def with_(**changes):
    body = dict(VALID)
    for key, value in changes.items():
        if value is REMOVE:
            body.pop(key, None)
        else:
            body[key] = value
    return body


REMOVE = object()

INVALID_ADDRESSES = [
    "not-an-address",
    "jane@",
    "@example.com",
    "jane@@example.com",
    "jane doe@example.com",
    "jane..doe@example.com",
    ".jane@example.com",
    "jane@localhost",
    "jane@exa_mple.com",
    "jane@-example.com",
    "",
    "Jane <jane@example.com",
    "jane@example.com>",
    "Jane <>",
    "jane@example.com\r\nBcc: victim@example.net",
    "Jane\r\nBcc: victim@example.net <jane@example.com>",
    "x" * 65 + "@example.com",
    "jane@" + "a" * 250 + ".com",
    {"email": "nope"},
    {"email": "jane@example.com", "name": "Jane\nBcc: victim@example.net"},
]

# (description, body, HTTP status, error code, field or None when not checked)
SEND_CASES = [
    ("malformed JSON", b'{"from": "orders@shop.example", "to": ', 400, "invalid_json", None),
    ("not JSON at all", b"hello", 400, "invalid_json", None),
    ("trailing garbage", json.dumps(VALID).encode() + b" x", 400, "invalid_json", None),
    ("empty body", b"", 400, "invalid_json", None),
    ("JSON array", json.dumps([VALID]).encode(), 400, "invalid_json", None),
    ("JSON string", b'"hello"', 400, "invalid_json", None),
    ("JSON null", b"null", 400, "invalid_json", None),
    ("missing to", with_(to=REMOVE), 422, "missing_field", "to"),
    ("missing from", with_(**{"from": REMOVE}), 422, "missing_field", "from"),
    ("missing subject", with_(subject=REMOVE), 422, "missing_field", "subject"),
    ("neither html nor text", with_(text=REMOVE), 422, "missing_field", None),
    ("2 MB subject", with_(subject="s" * (2 * 1024 * 1024)), 422, "too_long", "subject"),
    ("999-byte subject", with_(subject="s" * 999), 422, "too_long", "subject"),
    ("subject with CRLF (header injection)", with_(subject="Hi\r\nBcc: victim@example.net"), 422, "invalid_value",
     "subject"),
    ("subject is a number", with_(subject=5), 422, "invalid_type", "subject"),
    ("tags is a string", with_(tags="x"), 422, "invalid_type", "tags"),
    ("tags holds a number", with_(tags=["a", 1]), 422, "invalid_type", "tags"),
    ("to is a number", with_(to=5), 422, "invalid_type", "to"),
    ("to is a list", with_(to=["jane@example.com"]), 422, "invalid_type", "to"),
    ("text is a list", with_(text=["a"]), 422, "invalid_type", "text"),
    ("html is an object", with_(html={}), 422, "invalid_type", "html"),
    ("metadata is a list", with_(metadata=["a"]), 422, "invalid_type", "metadata"),
    ("metadata value is a number", with_(metadata={"order": 1}), 422, "invalid_type", "metadata.order"),
    ("headers is a list", with_(headers=["X-A: b"]), 422, "invalid_type", "headers"),
    ("idempotency_key is a number", with_(idempotency_key=7), 422, "invalid_type", "idempotency_key"),
    ("unknown field bcc", with_(bcc="victim@example.net"), 422, "unknown_field", "bcc"),
    ("unknown field Subject (case)", with_(Subject="x"), 422, "unknown_field", "Subject"),
    ("unknown field in an address object", with_(to={"email": "jane@example.com", "x": "y"}), 422, "unknown_field",
     "to.x"),
    ("header value with CRLF", with_(headers={"X-Custom": "ok\r\nBcc: victim@example.net"}), 422, "invalid_header",
     "headers.X-Custom"),
    ("header value with bare LF", with_(headers={"X-Custom": "ok\nBcc: victim@example.net"}), 422, "invalid_header",
     "headers.X-Custom"),
    ("header value with NUL", with_(headers={"X-Custom": "ok\u0000"}), 422, "invalid_header", "headers.X-Custom"),
    ("header name with a colon", with_(headers={"X-Bad:Name": "v"}), 422, "invalid_header", "headers.X-Bad:Name"),
    ("header name with a space", with_(headers={"X Bad": "v"}), 422, "invalid_header", "headers.X Bad"),
    ("header name with CRLF", with_(headers={"X-A\r\nBcc": "victim@example.net"}), 422, "invalid_header", None),
    ("reserved header Bcc", with_(headers={"Bcc": "victim@example.net"}), 422, "invalid_header", "headers.Bcc"),
    ("reserved header From", with_(headers={"From": "ceo@bank.example"}), 422, "invalid_header", "headers.From"),
    ("reserved header Content-Type", with_(headers={"Content-Type": "text/html"}), 422, "invalid_header",
     "headers.Content-Type"),
]
for _n, _address in enumerate(INVALID_ADDRESSES):
    SEND_CASES.append((f"invalid to #{_n}: {_address!r:.60}", with_(to=_address), 422, "invalid_address", "to"))
SEND_CASES.append(("invalid from", with_(**{"from": "Shop <orders@shop>"}), 422, "invalid_address", "from"))
SEND_CASES.append(("invalid reply_to", with_(reply_to="nope"), 422, "invalid_address", "reply_to"))


class BadInputTest(harness.ProcessTestCase):
    @classmethod
    def start_class(cls):
        cls.herald = cls.own_class(harness.Herald({"delivery.mode": "capture", "http.body_limit": BODY_LIMIT},
                                                  name="bad-input")).start()
        operator = cls.herald.client()
        # Account "victim": every bad request is made on its behalf; at the end it must hold nothing.
        status, body, _ = operator.post("/v1/accounts", {"name": "victim"})
        assert status == 201, (status, body)
        cls.victim_key = body["api_key"]
        cls.victim_id = body["id"]
        operator.close()

    def setUp(self):
        super().setUp()
        self.victim = self.herald.client(self.victim_key)
        self.addCleanup(self.victim.close)

    def assertError(self, answer, status, code, field=None, what=""):
        got_status, body, headers = answer
        self.assertEqual(got_status, status, f"{what}: answered {got_status} {body}")
        self.assertIsInstance(body, dict, what)
        self.assertIn("error", body, f"{what}: {body}")
        error = body["error"]
        self.assertEqual(error.get("code"), code, f"{what}: {body}")
        self.assertIsInstance(error.get("message"), str, f"{what}: {body}")
        self.assertTrue(error["message"], f"{what}: empty message")
        if field is not None:
            self.assertEqual(error.get("field"), field, f"{what}: {body}")
        self.assertTrue(headers.get("content-type", "").startswith("application/json"), f"{what}: {headers}")

    def assertStoredNothing(self, client):
        status, body, _ = client.get("/v1/messages?limit=1000")
        self.assertEqual((status, body["messages"]), (200, []), "messages were stored")
        status, body, _ = client.get("/v1/sandbox/messages?limit=1000")
        self.assertEqual((status, body["messages"]), (200, []), "the sandbox holds messages")

    def test_0_health_and_unknown_routes(self):
        anonymous = self.herald.client(api_key="")
        self.addCleanup(anonymous.close)
        self.assertEqual(anonymous.get("/healthz")[:2], (200, {"status": "ok"}))
        status, body, _ = anonymous.get("/readyz")
        self.assertEqual(status, 200, body)
        self.assertError(self.victim.get("/v1/no-such-thing"), 404, "not_found")
        status, body, headers = self.victim.request("PUT", "/v1/messages", body=VALID)
        self.assertError((status, body, headers), 405, "method_not_allowed")
        self.assertIn("POST", headers.get("allow", ""), headers)

    def test_1_invalid_messages_are_rejected_with_typed_errors(self):
        for what, body, status, code, field in SEND_CASES:
            with self.subTest(what):
                self.assertError(self.victim.send(body), status, code, field, what)
        self.assertStoredNothing(self.victim)

    def test_2_body_over_the_limit_is_413(self):
        # Declared larger than http.body_limit: refused from the Content-Length, before the body is read.
        declared = BODY_LIMIT + 1024 * 1024
        head = (f"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.victim_key}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n").encode()
        with socket.create_connection((harness.LOOPBACK, self.herald.port), timeout=30) as s:
            s.sendall(head + b'{"subject": "' + b"x" * 65536)
            answer = b""
            try:
                while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    answer += chunk
            except ConnectionResetError:
                pass
        status_line = answer.split(b"\r\n", 1)[0].decode(errors="replace")
        self.assertRegex(status_line, r"^HTTP/1\.1 413 ", answer[:500])
        error = json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]
        self.assertEqual(error["code"], "payload_too_large", error)
        # A body just under the limit is read and judged on its content (here: a too-long subject).
        self.assertError(self.victim.send(with_(subject="s" * (BODY_LIMIT - 1024))), 422, "too_long", "subject")
        self.assertStoredNothing(self.victim)

    def test_3_authentication(self):
        good = self.victim_key
        cases = [
            ("no Authorization", None),
            ("unknown key", "Bearer hk_" + uuid.uuid4().hex),
            ("key with a changed character", "Bearer " + good[:-1] + ("A" if good[-1] != "A" else "B")),
            ("key with an extra character", "Bearer " + good + "x"),
            ("key without Bearer", good),
            ("Basic scheme", "Basic dXNlcjpwYXNzd29yZA=="),
            ("Bearer and nothing", "Bearer "),
            ("Bearer without a space", "Bearer"),
            ("key without its prefix", "Bearer " + good[3:]),
            ("very long key", "Bearer hk_" + "a" * 5000),
        ]
        for what, header in cases:
            for method, path, body in (("GET", "/v1/messages", None), ("POST", "/v1/messages", VALID),
                                       ("GET", "/v1/sandbox/messages", None), ("POST", "/v1/api-keys", {})):
                with self.subTest(f"{what}: {method} {path}"):
                    headers = {} if header is None else {"Authorization": header}
                    answer = self.victim.request(method, path, body=body, api_key="", headers=headers)
                    self.assertError(answer, 401, "unauthenticated", None, f"{what}: {method} {path}")
        self.assertStoredNothing(self.victim)

    def test_4_scopes_and_revoked_keys(self):
        status, created, _ = self.victim.post("/v1/api-keys", {"name": "worker", "scope": "send"})
        self.assertEqual(status, 201, created)
        self.assertEqual(created["scope"], "send")
        self.assertTrue(created["api_key"].startswith("hk_"), created)
        send_key = created["api_key"]
        sender = self.herald.client(send_key)
        self.addCleanup(sender.close)
        self.assertEqual(sender.get("/v1/messages")[0], 200)

        # A send-scope key cannot administer.
        self.assertError(sender.post("/v1/api-keys", {"name": "escalate", "scope": "admin"}), 403, "forbidden")
        self.assertError(sender.delete(f"/v1/api-keys/{created['id']}"), 403, "forbidden")
        self.assertError(sender.post("/v1/accounts", {"name": "mine"}), 403, "forbidden")
        # An admin key of an ordinary account cannot create accounts (only the operator can).
        self.assertError(self.victim.post("/v1/accounts", {"name": "mine"}), 403, "forbidden")
        # Bad bodies for the key and account routes.
        self.assertError(self.victim.post("/v1/api-keys", {"scope": "root"}), 422, "invalid_value", "scope")
        self.assertError(self.victim.post("/v1/api-keys", {"nme": "x"}), 422, "unknown_field", "nme")
        self.assertError(self.victim.post("/v1/api-keys", b"[1]"), 400, "invalid_json")

        # Another account's admin cannot revoke this key: 404, and the key keeps working.
        operator = self.herald.client()
        self.addCleanup(operator.close)
        self.assertError(operator.delete(f"/v1/api-keys/{created['id']}"), 404, "not_found")
        self.assertEqual(sender.get("/v1/messages")[0], 200)

        # Revoked: 401 at once (the authenticator's cache forgets it).
        status, body, _ = self.victim.delete(f"/v1/api-keys/{created['id']}")
        self.assertEqual(status, 204, body)
        self.assertIsNone(body)
        self.assertError(sender.get("/v1/messages"), 401, "unauthenticated")
        self.assertError(sender.send(VALID), 401, "unauthenticated")
        fresh = self.herald.client(send_key)
        self.addCleanup(fresh.close)
        self.assertError(fresh.get("/v1/messages"), 401, "unauthenticated", None, "revoked key, new connection")
        self.assertError(self.victim.delete("/v1/api-keys/key_does_not_exist"), 404, "not_found")
        self.assertStoredNothing(self.victim)

    def test_5_other_accounts_ids_are_not_found(self):
        operator = self.herald.client()
        self.addCleanup(operator.close)
        status, sent, _ = operator.send(dict(VALID, subject="operator's own"))
        self.assertEqual(status, 202, sent)
        harness.wait_for_statuses(operator, [sent["id"]], ("delivered",), timeout=60)
        self.assertEqual(operator.get(f"/v1/sandbox/messages/{sent['id']}")[0], 200)

        for path in (f"/v1/messages/{sent['id']}", f"/v1/sandbox/messages/{sent['id']}"):
            with self.subTest(path):
                self.assertError(self.victim.get(path), 404, "not_found", None, path)
        for path in ("/v1/messages/msg_does_not_exist", "/v1/sandbox/messages/msg_does_not_exist"):
            with self.subTest(path):
                self.assertError(operator.get(path), 404, "not_found", None, path)
        self.assertEqual(self.victim.get("/v1/messages?recipient=jane%40example.com")[1]["messages"], [])
        self.assertStoredNothing(self.victim)

    def test_6_bad_queries(self):
        for query in ("limit=0", "limit=1001", "limit=x", "status=lost"):
            with self.subTest(query):
                self.assertError(self.victim.get(f"/v1/messages?{query}"), 422, "invalid_value", None, query)
        self.assertStoredNothing(self.victim)


if __name__ == "__main__":
    harness.main()
