#!/usr/bin/python3
"""/v1/smtp-connections over HTTP against a real `herald serve`: create, list, get, change, rotate the password,
delete; the password appears only in the create and rotate answers (and never in the log); another account's
connection is 404; bad input gets its exact status and code and stores nothing; trusted networks of two
connections never overlap."""
import re

import harness

USERNAME = re.compile(r"^smtp_[0-9a-z]{16}$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
FIELDS = {"id", "name", "username", "domains", "list_help_url", "trusted_networks", "require_tls", "enabled",
          "status", "last_used_at", "created_at"}


class SmtpConnectionsTest(harness.ProcessTestCase):
    @classmethod
    def start_class(cls):
        cls.herald = cls.own_class(harness.Herald({"delivery.mode": "capture"}, name="smtp-connections")).start()
        accounts = harness.create_accounts(cls.herald, ("alpha", "beta"))
        cls.keys = {name: body["api_key"] for name, body in accounts.items()}

    def client_of(self, name, key=None):
        client = self.herald.client(key or self.keys[name])
        self.addCleanup(client.close)
        return client

    def create(self, client, **fields):
        body = {"name": "Web shop", "domains": ["shop.example"]}
        body.update(fields)
        status, answer, _ = client.post("/v1/smtp-connections", body)
        self.assertEqual(status, 201, answer)
        return answer

    def listed(self, client):
        status, body, _ = client.get("/v1/smtp-connections")
        self.assertEqual(status, 200, body)
        self.assertEqual(set(body), {"smtp_connections"}, body)
        return body["smtp_connections"]

    def assert_error(self, answer, status, code, field=None):
        got_status, body, _ = answer
        self.assertEqual(got_status, status, body)
        self.assertEqual(body["error"]["code"], code, body)
        if field is not None:
            self.assertEqual(body["error"].get("field"), field, body)
        return body

    def test_lifecycle_and_the_password_shown_only_twice(self):
        alpha = self.client_of("alpha")
        created = self.create(alpha, name="Web shop", domains=["Shop.Example", "mail.shop.example", "shop.example"],
                              list_help_url="https://shop.example/help", trusted_networks=["2001:DB8:77::/48"],
                              require_tls=False)
        self.assertEqual(set(created), FIELDS | {"password"}, created)
        self.assertTrue(created["id"].startswith("smtp_"), created)
        self.assertRegex(created["username"], USERNAME)
        self.assertTrue(created["password"].startswith("hsp_") and len(created["password"]) >= 50, created)
        self.assertEqual(created["domains"], ["shop.example", "mail.shop.example"])
        self.assertEqual(created["trusted_networks"], ["2001:db8:77::/48"])
        self.assertEqual((created["require_tls"], created["enabled"]), (False, True))
        self.assertEqual((created["status"], created["last_used_at"]), ("inactive", None))
        self.assertRegex(created["created_at"], RFC3339)
        first_password = created["password"]
        shown = {k: v for k, v in created.items() if k != "password"}

        listed = [c for c in self.listed(alpha) if c["id"] == created["id"]]
        self.assertEqual(listed, [shown])
        status, got, _ = alpha.get(f"/v1/smtp-connections/{created['id']}")
        self.assertEqual((status, got), (200, shown))

        status, changed, _ = alpha.request("PATCH", f"/v1/smtp-connections/{created['id']}",
                                           {"name": "Web shop (new)", "enabled": False, "domains": ["new.example"],
                                            "list_help_url": None})
        self.assertEqual(status, 200, changed)
        expected = dict(shown, name="Web shop (new)", enabled=False, domains=["new.example"], list_help_url=None)
        self.assertEqual(changed, expected)
        self.assertEqual(alpha.get(f"/v1/smtp-connections/{created['id']}")[1], expected)

        status, rotated, _ = alpha.post(f"/v1/smtp-connections/{created['id']}/password")
        self.assertEqual(status, 200, rotated)
        self.assertEqual({k: v for k, v in rotated.items() if k != "password"}, expected)
        self.assertTrue(rotated["password"].startswith("hsp_"), rotated)
        self.assertNotEqual(rotated["password"], first_password)
        status, again, _ = alpha.post(f"/v1/smtp-connections/{created['id']}/password", {})
        self.assertEqual(status, 200, again)
        self.assertNotEqual(again["password"], rotated["password"])

        # Neither password is shown by any read, nor written to the log.
        for path in ("/v1/smtp-connections", f"/v1/smtp-connections/{created['id']}"):
            text = str(alpha.get(path)[1])
            for password in (first_password, rotated["password"], again["password"]):
                self.assertNotIn(password, text)
            self.assertNotIn("password", text)
        log = self.herald.log_text()
        for password in (first_password, rotated["password"], again["password"]):
            self.assertNotIn(password, log)

        status, body, _ = alpha.delete(f"/v1/smtp-connections/{created['id']}")
        self.assertEqual((status, body), (204, None))
        self.assert_error(alpha.get(f"/v1/smtp-connections/{created['id']}"), 404, "not_found")
        self.assert_error(alpha.delete(f"/v1/smtp-connections/{created['id']}"), 404, "not_found")
        self.assert_error(alpha.post(f"/v1/smtp-connections/{created['id']}/password"), 404, "not_found")
        self.assertNotIn(created["id"], [c["id"] for c in self.listed(alpha)])

    def test_another_account_gets_404(self):
        alpha, beta = self.client_of("alpha"), self.client_of("beta")
        mine = self.create(alpha, name="Alpha ERP", trusted_networks=["198.51.100.0/24"])
        shown = {k: v for k, v in mine.items() if k != "password"}
        path = f"/v1/smtp-connections/{mine['id']}"
        self.assert_error(beta.get(path), 404, "not_found")
        self.assert_error(beta.request("PATCH", path, {"name": "taken over"}), 404, "not_found")
        self.assert_error(beta.request("PATCH", path, {"name": ""}), 404, "not_found")  # 404 before any check
        self.assert_error(beta.post(path + "/password"), 404, "not_found")
        self.assert_error(beta.delete(path), 404, "not_found")
        self.assertNotIn(mine["id"], [c["id"] for c in self.listed(beta)])
        # Alpha's connection is as it was.
        status, body, _ = alpha.get(path)
        self.assertEqual((status, body), (200, shown))

    def test_admin_scope_is_required(self):
        alpha = self.client_of("alpha")
        status, key, _ = alpha.post("/v1/api-keys", {"name": "sender", "scope": "send"})
        self.assertEqual(status, 201, key)
        sender = self.client_of("alpha", key["api_key"])
        self.assert_error(sender.get("/v1/smtp-connections"), 403, "forbidden")
        self.assert_error(sender.post("/v1/smtp-connections", {"name": "x", "domains": ["a.example"]}), 403,
                          "forbidden")
        self.assert_error(alpha.get("/v1/smtp-connections", api_key=""), 401, "unauthenticated")

    def test_bad_input_gets_its_code_and_stores_nothing(self):
        beta = self.client_of("beta")
        before = self.listed(beta)
        ok = {"name": "x", "domains": ["a.example"]}
        cases = [
            ("{not json", 400, "invalid_json", None),
            ("[1]", 400, "invalid_json", None),
            ({"domains": ["a.example"]}, 422, "missing_field", "name"),
            ({"name": "x"}, 422, "missing_field", "domains"),
            (dict(ok, password="mine"), 422, "unknown_field", "password"),
            (dict(ok, username="smtp_mine"), 422, "unknown_field", "username"),
            (dict(ok, name=""), 422, "invalid_value", "name"),
            (dict(ok, name="x" * 101), 422, "invalid_value", "name"),
            (dict(ok, name="a\nb"), 422, "invalid_value", "name"),
            (dict(ok, name=7), 422, "invalid_type", "name"),
            (dict(ok, domains=[]), 422, "invalid_value", "domains"),
            (dict(ok, domains="a.example"), 422, "invalid_type", "domains"),
            (dict(ok, domains=["localhost"]), 422, "invalid_domain", "domains"),
            (dict(ok, domains=["a.example", "bad domain.example"]), 422, "invalid_domain", "domains"),
            (dict(ok, domains=[f"d{i}.example" for i in range(101)]), 422, "too_many", "domains"),
            (dict(ok, list_help_url="ftp://a.example/help"), 422, "invalid_url", "list_help_url"),
            (dict(ok, list_help_url="https://a.example/\r\nBcc: x@y.example"), 422, "invalid_url", "list_help_url"),
            (dict(ok, list_help_url="https://a.example/" + "x" * 2000), 422, "invalid_url", "list_help_url"),
            (dict(ok, trusted_networks=["10.0.0.1/8"]), 422, "invalid_network", "trusted_networks"),
            (dict(ok, trusted_networks=["10.0.0.0/33"]), 422, "invalid_network", "trusted_networks"),
            (dict(ok, trusted_networks=["example.com"]), 422, "invalid_network", "trusted_networks"),
            (dict(ok, trusted_networks=[f"10.99.{i}.0/24" for i in range(51)]), 422, "too_many",
             "trusted_networks"),
            (dict(ok, require_tls=False), 422, "tls_required_without_trusted_networks", "require_tls"),
            (dict(ok, require_tls="false", trusted_networks=["10.98.0.0/16"]), 422, "invalid_type", "require_tls"),
        ]
        for body, status, code, field in cases:
            with self.subTest(body=str(body)[:80]):
                self.assert_error(beta.post("/v1/smtp-connections", body), status, code, field)
        body = self.assert_error(beta.post("/v1/smtp-connections", dict(ok, trusted_networks=["10.0.0.1/8"])), 422,
                                 "invalid_network")
        self.assertEqual(body["error"]["message"], "10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?")
        self.assertEqual(self.listed(beta), before)

        # A refused change changes nothing.
        mine = self.create(beta, name="Beta shop")
        path = f"/v1/smtp-connections/{mine['id']}"
        shown = beta.get(path)[1]
        for body, status, code, field in [
            ({"username": "smtp_mine"}, 422, "unknown_field", "username"),
            ({"name": "new", "domains": []}, 422, "invalid_value", "domains"),
            ({"name": "new", "require_tls": False}, 422, "tls_required_without_trusted_networks", "require_tls"),
            ({"name": "new", "enabled": "no"}, 422, "invalid_type", "enabled"),
            ("{", 400, "invalid_json", None),
        ]:
            with self.subTest(patch=str(body)):
                self.assert_error(beta.request("PATCH", path, body), status, code, field)
        self.assert_error(beta.post(path + "/password", {"password": "mine"}), 422, "unknown_field", "password")
        self.assertEqual(beta.get(path)[1], shown)

    def test_trusted_networks_never_overlap(self):
        alpha, beta = self.client_of("alpha"), self.client_of("beta")
        wide = self.create(alpha, name="Office", trusted_networks=["172.20.0.0/16", "::ffff:192.0.2.0/120"])
        self.assertEqual(wide["trusted_networks"], ["172.20.0.0/16", "192.0.2.0/24"])
        before = self.listed(beta)

        body = self.assert_error(beta.post("/v1/smtp-connections", {"name": "x", "domains": ["b.example"],
                                                                     "trusted_networks": ["172.20.9.0/24"]}),
                                 409, "trusted_network_overlap", "trusted_networks")
        self.assertIn("172.20.9.0/24", body["error"]["message"])
        self.assertIn("172.20.0.0/16", body["error"]["message"])
        self.assertNotIn(wide["id"], body["error"]["message"])  # another account's connection is not named
        self.assertEqual(self.listed(beta), before)

        # Beside it is fine; moving into it is refused and changes nothing.
        beside = self.create(beta, name="Beside", trusted_networks=["172.21.0.0/16"])
        path = f"/v1/smtp-connections/{beside['id']}"
        self.assert_error(beta.request("PATCH", path, {"trusted_networks": ["172.16.0.0/12"], "name": "moved"}), 409,
                          "trusted_network_overlap", "trusted_networks")
        self.assertEqual(beta.get(path)[1], {k: v for k, v in beside.items() if k != "password"})

        # Once the wide one is deleted, its networks are free.
        self.assertEqual(alpha.delete(f"/v1/smtp-connections/{wide['id']}")[0], 204)
        status, moved, _ = beta.request("PATCH", path, {"trusted_networks": ["172.20.9.0/24", "192.0.2.128/25"]})
        self.assertEqual(status, 200, moved)
        self.assertEqual(moved["trusted_networks"], ["172.20.9.0/24", "192.0.2.128/25"])


if __name__ == "__main__":
    harness.main()
