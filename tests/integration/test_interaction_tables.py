#!/usr/bin/python3
"""Interaction tables end to end (issue 6) against a real daemon: an "orders" table linked to a profile table, rows
created and changed through the API, and the change feed the scenarios will read.

  order lifecycle  a row for a profile, its status changed CONFIRMED → SHIPPED by its key → the feed holds
                   row.created with the values, then row.updated with old and new of exactly the changed column;
                   a change that changes nothing is no event; the cursor resumes where the reader stopped
  listing          a profile's rows, paginated; rows by id and by key
  bad input        unknown column, a value not of its type, a missing required column, a duplicate key (create and
                   change), an unknown or malformed profile, bad JSON, an unknown row or table, bad table
                   definitions, scopes and tenancy — each with its code and field, nothing written
  deletion         a row deleted by key or id takes its events along and frees its key; a table deleted (admin
                   scope) takes its rows and feed along, and its name is free again
  erasure          erasing a profile removes its rows and their events
  restart          rows, tables and the feed are as they were after the daemon is killed and restarted; the feed
                   goes on
"""
import unittest.mock
import uuid

import harness


class InteractionTablesTest(harness.ProcessTestCase):
    @classmethod
    def start_class(cls):
        cls.herald = cls.own_class(harness.Herald({"delivery.mode": "capture"}, name="tables")).start()
        cls.admin = cls.herald.client()
        status, body, _ = cls.admin.post("/v1/profile-tables", {
            "name": "contacts", "kind": "transactional", "attributes": [{"name": "firstName", "type": "string"}]})
        assert status == 201, body
        status, body, _ = cls.admin.post("/v1/tables", {
            "name": "orders", "profile_table": "contacts", "key": "orderId",
            "columns": [{"name": "orderId", "type": "string"},
                        {"name": "status", "type": "enum", "values": ["CONFIRMED", "SHIPPED", "DELIVERED"],
                         "required": True},
                        {"name": "total", "type": "decimal"},
                        {"name": "placedOn", "type": "date"}]})
        assert status == 201, body
        cls.orders = body
        # Rows are written with a send-scope key, as a shop's backend would.
        status, key, _ = cls.admin.post("/v1/api-keys", {"name": "shop backend", "scope": "send"})
        assert status == 201, key
        cls.client = cls.herald.client(key["api_key"])

    def profile(self, first_name="Jane"):
        address = f"{first_name.lower()}-{uuid.uuid4().hex[:8]}@example.com"
        status, body, _ = self.client.request("PUT", f"/v1/profile-tables/contacts/profiles/{address}",
                                              {"attributes": {"firstName": first_name}})
        self.assertEqual(status, 201, body)
        return address, body["id"]

    def order_id(self):
        return f"O-{uuid.uuid4().hex[:10]}"

    def create_row(self, profile, values, expect=201):
        status, body, _ = self.client.post("/v1/tables/orders/rows", {"profile": profile, "values": values})
        self.assertEqual(status, expect, body)
        return body

    def patch(self, row, values):
        return self.client.request("PATCH", f"/v1/tables/orders/rows/{row}", {"values": values})

    def feed(self, after=None, limit=None):
        query = "&".join(f"{k}={v}" for k, v in (("after", after), ("limit", limit)) if v is not None)
        status, body, _ = self.client.get("/v1/tables/orders/events" + (f"?{query}" if query else ""))
        self.assertEqual(status, 200, body)
        return body

    def all_events(self):
        events, after = [], None
        for _ in range(1000):
            page = self.feed(after, limit=100)
            events += page["events"]
            after = page["next_cursor"]
            if not page["has_more"]:
                return events
        raise AssertionError("the feed did not end")

    def assert_error(self, answer, status, code, field=None):
        got_status, body, _ = answer
        self.assertEqual((got_status, body["error"]["code"]), (status, code), body)
        if field is not None:
            self.assertEqual(body["error"]["field"], field, body)

    def test_an_order_is_created_shipped_and_both_changes_are_in_the_feed(self):
        address, profile_id = self.profile()
        before = self.all_events()
        cursor = before[-1]["id"] if before else None
        order_id = self.order_id()
        row = self.create_row(address, {"orderId": order_id, "status": "CONFIRMED", "total": 19.9,
                                        "placedOn": "2026-11-25"})
        self.assertEqual(row["profile_id"], profile_id)
        self.assertEqual(row["table"], "orders")
        self.assertEqual(row["values"], {"orderId": order_id, "status": "CONFIRMED", "total": "19.9",
                                         "placedOn": "2026-11-25"})

        status, shipped, _ = self.patch(order_id, {"status": "SHIPPED"})  # by the key column's value
        self.assertEqual(status, 200, shipped)
        self.assertEqual(shipped["id"], row["id"])
        self.assertEqual(shipped["values"]["status"], "SHIPPED")
        self.assertEqual(shipped["values"]["total"], "19.9")
        self.assertGreaterEqual(shipped["updated_at"], shipped["created_at"])

        page = self.feed(cursor)
        events = page["events"]
        self.assertEqual([e["type"] for e in events], ["row.created", "row.updated"], events)
        created, updated = events
        self.assertEqual((created["row_id"], created["profile_id"], created["table"]), (row["id"], profile_id, "orders"))
        self.assertEqual(created["values"], row["values"])
        self.assertNotIn("changed", created)
        self.assertEqual(updated["row_id"], row["id"])
        self.assertEqual(updated["changed"], {"status": {"old": "CONFIRMED", "new": "SHIPPED"}})
        self.assertNotIn("values", updated)
        self.assertEqual(page["next_cursor"], updated["id"])
        self.assertFalse(page["has_more"])

        # Nothing new: the cursor stays where it was. A change that changes nothing is no event.
        quiet = self.feed(page["next_cursor"])
        self.assertEqual((quiet["events"], quiet["next_cursor"], quiet["has_more"]), ([], page["next_cursor"], False))
        status, same, _ = self.patch(row["id"], {"status": "SHIPPED", "total": "19.9"})  # by id this time
        self.assertEqual((status, same["updated_at"]), (200, shipped["updated_at"]), same)
        self.assertEqual(self.feed(page["next_cursor"])["events"], [])

        # The reader resumes at its cursor and sees exactly what came after it; limit pages the feed.
        status, delivered, _ = self.patch(row["id"], {"status": "DELIVERED", "total": None})
        self.assertEqual(status, 200, delivered)
        self.assertEqual(delivered["values"], {"orderId": order_id, "status": "DELIVERED", "placedOn": "2026-11-25"})
        later = self.feed(page["next_cursor"])["events"]
        self.assertEqual(len(later), 1, later)
        self.assertEqual(later[0]["changed"], {"status": {"old": "SHIPPED", "new": "DELIVERED"},
                                               "total": {"old": "19.9", "new": None}})
        first = self.feed(cursor, limit=1)
        self.assertEqual(([e["id"] for e in first["events"]], first["has_more"]), ([created["id"]], True))

        status, got, _ = self.client.get(f"/v1/tables/orders/rows/{order_id}")
        self.assertEqual((status, got), (200, delivered))
        status, got, _ = self.client.get(f"/v1/tables/orders/rows/{row['id']}")
        self.assertEqual((status, got), (200, delivered))

    def test_a_profiles_rows_are_listed_in_pages(self):
        address, _ = self.profile("Lister")
        other, _ = self.profile("Other")
        ids = [self.create_row(address, {"orderId": self.order_id(), "status": "CONFIRMED"})["id"] for _ in range(3)]
        self.create_row(other, {"orderId": self.order_id(), "status": "CONFIRMED"})
        status, first, _ = self.client.get(f"/v1/tables/orders/rows?profile={address}&limit=2")
        self.assertEqual(status, 200, first)
        self.assertEqual([r["id"] for r in first["rows"]], ids[:2])
        status, second, _ = self.client.get(f"/v1/tables/orders/rows?profile={address}&limit=2&cursor={first['next_cursor']}")
        self.assertEqual(([r["id"] for r in second["rows"]], second["next_cursor"]), (ids[2:], None), second)
        self.assertEqual(self.client.list_all("/v1/tables/orders/rows", f"profile={address}", key="rows"),
                         first["rows"] + second["rows"])
        status, tables, _ = self.client.get("/v1/tables")
        self.assertIn(self.orders, tables["tables"])
        status, table, _ = self.client.get("/v1/tables/orders")
        self.assertEqual((status, table), (200, self.orders))
        self.assertEqual((table["profile_table"], table["key"]), ("contacts", "orderId"))
        self.assertEqual([c["name"] for c in table["columns"] if c["unique"]], ["orderId"])

    def test_bad_rows_are_refused_and_write_nothing(self):
        address, _ = self.profile("Bad")
        taken = self.order_id()
        row = self.create_row(address, {"orderId": taken, "status": "CONFIRMED"})
        second = self.create_row(address, {"orderId": self.order_id(), "status": "CONFIRMED", "total": "5.00"})
        events = self.all_events()
        fresh = self.order_id()

        def create(values, profile=address):
            return self.client.post("/v1/tables/orders/rows", {"profile": profile, "values": values})

        cases = [
            (create({"orderId": fresh, "status": "CONFIRMED", "colour": "red"}), 422, "unknown_column", "values.colour"),
            (create({"orderId": fresh, "status": "LOST"}), 422, "invalid_value", "values.status"),
            (create({"orderId": fresh, "status": "CONFIRMED", "total": "lots"}), 422, "invalid_value", "values.total"),
            (create({"orderId": fresh, "status": "CONFIRMED", "placedOn": "2026-02-30"}), 422, "invalid_value",
             "values.placedOn"),
            (create({"orderId": fresh, "status": "CONFIRMED", "total": True}), 422, "invalid_value", "values.total"),
            (create({"orderId": 12, "status": "CONFIRMED"}), 422, "invalid_value", "values.orderId"),
            (create({"orderId": fresh}), 422, "missing_field", "values.status"),
            (create({"status": "CONFIRMED"}), 422, "missing_field", "values.orderId"),
            (create({"orderId": fresh, "status": None}), 422, "missing_field", "values.status"),
            (create({"orderId": taken, "status": "CONFIRMED"}), 409, "duplicate_value", "values.orderId"),
            (create({"orderId": fresh, "status": "CONFIRMED"}, profile="nobody@example.com"), 422, "unknown_profile",
             "profile"),
            (create({"orderId": fresh, "status": "CONFIRMED"}, profile="not a key"), 422, "invalid_value", "profile"),
            (self.client.post("/v1/tables/orders/rows", {"values": {"orderId": fresh}}), 422, "missing_field", "profile"),
            (self.client.post("/v1/tables/orders/rows", {"profile": address, "values": [1]}), 422, "invalid_type",
             "values"),
            (self.client.post("/v1/tables/orders/rows", {"profile": address, "status": "x"}), 422, "unknown_field",
             "status"),
            (self.client.post("/v1/tables/orders/rows", "{not json"), 400, "invalid_json", None),
            (self.client.post("/v1/tables/orders/rows", '{"profile": "' + address + '", "values": {"orderId": "'
                              + fresh + '", "status": "CONFIRMED"},}'), 400, "invalid_json", None),
            (self.client.post("/v1/tables/orders/rows", [{"profile": address}]), 400, "invalid_json", None),
            (self.client.request("PATCH", f"/v1/tables/orders/rows/{second['id']}", '{"values": {"status": "SHI'),
             400, "invalid_json", None),
            (self.client.post("/v1/tables/nope/rows", {"profile": address, "values": {}}), 404, "not_found", None),
            (self.patch(second["id"], {"orderId": taken}), 409, "duplicate_value", "values.orderId"),
            (self.patch(second["id"], {"status": None}), 422, "missing_field", "values.status"),
            (self.patch(second["id"], {"status": "LOST"}), 422, "invalid_value", "values.status"),
            (self.patch(second["id"], {"total": "x", "status": "SHIPPED"}), 422, "invalid_value", "values.total"),
            (self.patch(second["id"], {"colour": "red"}), 422, "unknown_column", "values.colour"),
            (self.client.request("PATCH", f"/v1/tables/orders/rows/{second['id']}", {}), 422, "missing_field", "values"),
            (self.patch("row_doesnotexist", {"status": "SHIPPED"}), 404, "not_found", None),
            (self.client.get(f"/v1/tables/orders/rows/{fresh}"), 404, "not_found", None),
            (self.client.delete("/v1/tables/orders/rows/row_doesnotexist"), 404, "not_found", None),
            (self.client.get("/v1/tables/orders/rows?profile=nobody@example.com"), 422, "unknown_profile", "profile"),
            (self.client.get("/v1/tables/orders/rows?profile=not%20a%20key"), 422, "invalid_value", "profile"),
            (self.client.get("/v1/tables/orders/rows?limit=0"), 422, "invalid_value", "limit"),
            (self.client.get("/v1/tables/nope/rows"), 404, "not_found", None),
            (self.client.get("/v1/tables/orders/events?after=abc"), 422, "invalid_value", "after"),
            (self.client.get("/v1/tables/nope/events"), 404, "not_found", None),
        ]
        for i, (answer, status, code, field) in enumerate(cases):
            with self.subTest(case=i, code=code):
                self.assert_error(answer, status, code, field)

        self.assertEqual(self.all_events(), events)
        self.assertEqual(self.client.list_all("/v1/tables/orders/rows", f"profile={address}", key="rows"), [row, second])
        status, got, _ = self.client.get(f"/v1/tables/orders/rows/{second['id']}")
        self.assertEqual((status, got), (200, second))
        status, got, _ = self.client.get(f"/v1/tables/orders/rows/{taken}")
        self.assertEqual((status, got["id"]), (200, row["id"]))

    def test_bad_tables_scopes_and_other_accounts(self):
        def create(**fields):
            body = {"name": "tickets", "profile_table": "contacts",
                    "columns": [{"name": "subject", "type": "string"}]}
            body.update(fields)
            return self.admin.post("/v1/tables", body)

        cases = [
            (create(profile_table="nope"), 422, "unknown_profile_table", "profile_table"),
            (create(name="orders"), 409, "conflict", "name"),
            (create(name="Tickets!"), 422, "invalid_value", "name"),
            (create(columns=[{"name": "subject", "type": "text"}]), 422, "invalid_value", "columns[0].type"),
            (create(columns=[{"name": "subject", "type": "string", "unique": True}]), 422, "invalid_value", "columns"),
            (create(key="missing"), 422, "invalid_value", "key"),
            (create(columns=[{"name": "s", "type": "string"}, {"name": "s", "type": "integer"}]), 422, "invalid_value",
             "columns"),
            (self.admin.post("/v1/tables", {"name": "tickets"}), 422, "missing_field", "profile_table"),
            (self.admin.post("/v1/tables", "{\"name\": \"tickets\""), 400, "invalid_json", None),
            (create(columns=[{"name": "subject", "type": "string"}], key="subject", extra=1), 422, "unknown_field",
             "extra"),
            (self.client.post("/v1/tables", {"name": "tickets", "profile_table": "contacts"}), 403, "forbidden", None),
            (self.client.get("/v1/tables/nope"), 404, "not_found", None),
            (self.client.delete("/v1/tables/orders"), 403, "forbidden", None),
            (self.admin.delete("/v1/tables/nope"), 404, "not_found", None),
        ]
        for i, (answer, status, code, field) in enumerate(cases):
            with self.subTest(case=i, code=code):
                self.assert_error(answer, status, code, field)
        status, tables, _ = self.admin.get("/v1/tables")
        self.assertNotIn("tickets", [t["name"] for t in tables["tables"]])
        self.assertEqual(self.client.get("/v1/tables/orders"), (200, self.orders, unittest.mock.ANY))

        # Another account sees none of it, and may name its own table "orders".
        other = harness.create_accounts(self.herald, [f"other-{uuid.uuid4().hex[:6]}"]).popitem()[1]
        stranger = self.herald.client(other["api_key"])
        self.assert_error(stranger.get("/v1/tables/orders"), 404, "not_found")
        self.assert_error(stranger.get("/v1/tables/orders/events"), 404, "not_found")
        self.assert_error(stranger.delete("/v1/tables/orders"), 404, "not_found")
        self.assertEqual(stranger.get("/v1/tables")[1], {"tables": []})
        status, body, _ = stranger.post("/v1/profile-tables", {"name": "contacts"})
        self.assertEqual(status, 201, body)
        status, body, _ = stranger.post("/v1/tables", {"name": "orders", "profile_table": "contacts"})
        self.assertEqual(status, 201, body)
        stranger.close()

    def test_erasing_a_profile_removes_its_rows_and_their_events(self):
        address, profile_id = self.profile("Erased")
        keep, _ = self.profile("Kept")
        gone = self.create_row(address, {"orderId": self.order_id(), "status": "CONFIRMED"})
        self.assertEqual(self.patch(gone["id"], {"status": "SHIPPED"})[0], 200)
        kept = self.create_row(keep, {"orderId": self.order_id(), "status": "CONFIRMED"})

        status, _, _ = self.client.delete(f"/v1/profile-tables/contacts/profiles/{address}")
        self.assertEqual(status, 204)
        self.assert_error(self.client.get(f"/v1/tables/orders/rows/{gone['id']}"), 404, "not_found")
        events = self.all_events()
        self.assertFalse([e for e in events if e["profile_id"] == profile_id], events)
        self.assertIn(kept["id"], [e["row_id"] for e in events])
        rows = [r["id"] for r in self.client.list_all("/v1/tables/orders/rows", key="rows")]
        self.assertNotIn(gone["id"], rows)
        self.assertIn(kept["id"], rows)
        self.assert_error(self.client.get(f"/v1/tables/orders/rows?profile={address}"), 422, "unknown_profile", "profile")

    def test_deleting_rows_and_tables(self):
        address, _ = self.profile("Deleted")
        status, visits, _ = self.admin.post("/v1/tables", {
            "name": "visits", "profile_table": "contacts",
            "columns": [{"name": "page", "type": "string", "required": True}, {"name": "at", "type": "datetime"}]})
        self.assertEqual(status, 201, visits)
        self.assertIsNone(visits["key"])

        # A row of a table without a key column is found by its id; deleting it takes its events along.
        rows = []
        for page in ("/", "/pricing", "/signup"):
            status, row, _ = self.client.post("/v1/tables/visits/rows", {
                "profile": address, "values": {"page": page, "at": "2026-11-25T10:00:00+01:00"}})
            self.assertEqual(status, 201, row)
            self.assertEqual(row["values"]["at"], "2026-11-25T09:00:00.000Z")
            rows.append(row)
        self.assertEqual(self.client.request("PATCH", f"/v1/tables/visits/rows/{rows[0]['id']}",
                                             {"values": {"page": "/home"}})[0], 200)
        status, body, _ = self.client.delete(f"/v1/tables/visits/rows/{rows[0]['id']}")
        self.assertEqual((status, body), (204, None))
        self.assert_error(self.client.get(f"/v1/tables/visits/rows/{rows[0]['id']}"), 404, "not_found")
        self.assert_error(self.client.delete(f"/v1/tables/visits/rows/{rows[0]['id']}"), 404, "not_found")
        status, feed, _ = self.client.get("/v1/tables/visits/events")
        self.assertEqual(status, 200, feed)
        self.assertEqual([(e["type"], e["row_id"]) for e in feed["events"]],
                         [("row.created", rows[1]["id"]), ("row.created", rows[2]["id"])])
        self.assertEqual(self.client.list_all("/v1/tables/visits/rows", f"profile={address}", key="rows"), rows[1:])

        # In a table with a key column, a row is deleted by its key too, and the key is free again.
        order_id = self.order_id()
        first = self.create_row(address, {"orderId": order_id, "status": "CONFIRMED"})
        self.assertEqual(self.client.delete(f"/v1/tables/orders/rows/{order_id}")[0], 204)
        self.assertNotIn(first["id"], [e["row_id"] for e in self.all_events()])
        again = self.create_row(address, {"orderId": order_id, "status": "SHIPPED"})
        self.assertNotEqual(again["id"], first["id"])
        status, got, _ = self.client.get(f"/v1/tables/orders/rows/{order_id}")
        self.assertEqual((status, got), (200, again))

        # Deleting a table (admin scope) takes its rows and feed along; the name can be used again.
        self.assert_error(self.client.delete("/v1/tables/visits"), 403, "forbidden")
        status, body, _ = self.admin.delete("/v1/tables/visits")
        self.assertEqual((status, body), (204, None))
        for path in ("/v1/tables/visits", f"/v1/tables/visits/rows/{rows[1]['id']}", "/v1/tables/visits/rows",
                     "/v1/tables/visits/events"):
            with self.subTest(path=path):
                self.assert_error(self.client.get(path), 404, "not_found")
        self.assertNotIn("visits", [t["name"] for t in self.client.get("/v1/tables")[1]["tables"]])
        status, remade, _ = self.admin.post("/v1/tables", {"name": "visits", "profile_table": "contacts",
                                                            "columns": [{"name": "page", "type": "string"}]})
        self.assertEqual(status, 201, remade)
        self.assertNotEqual(remade["id"], visits["id"])
        self.assertEqual(self.client.get("/v1/tables/visits/events")[1],
                         {"events": [], "next_cursor": None, "has_more": False})
        self.assertEqual(self.client.get("/v1/tables/visits/rows")[1], {"rows": [], "next_cursor": None})
        self.assertEqual(self.admin.delete("/v1/tables/visits")[0], 204)
        self.assertEqual(self.client.get(f"/v1/tables/orders/rows/{order_id}")[0], 200)  # other tables untouched

    def test_rows_and_the_feed_survive_a_restart(self):
        address, _ = self.profile("Durable")
        order_id = self.order_id()
        row = self.create_row(address, {"orderId": order_id, "status": "CONFIRMED", "total": "42.00"})
        self.assertEqual(self.patch(order_id, {"status": "SHIPPED"})[0], 200)
        events = self.all_events()
        self.herald.kill9()  # what was acknowledged is on disk: no clean shutdown needed
        self.herald.restart()
        for client in (self.admin, self.client):  # the daemon listens on a port of its choosing
            client.close()
            client.port = self.herald.port
        self.assertEqual(self.all_events(), events)
        status, got, _ = self.client.get(f"/v1/tables/orders/rows/{order_id}")
        self.assertEqual((status, got["id"], got["values"]["status"]), (200, row["id"], "SHIPPED"), got)
        status, table, _ = self.client.get("/v1/tables/orders")
        self.assertEqual((status, table), (200, self.orders))
        # The feed goes on after the last event read before the restart.
        self.assertEqual(self.patch(order_id, {"status": "DELIVERED"})[0], 200)
        later = self.feed(events[-1]["id"])["events"]
        self.assertEqual([(e["type"], e["changed"]) for e in later],
                         [("row.updated", {"status": {"old": "SHIPPED", "new": "DELIVERED"}})])


if __name__ == "__main__":
    harness.main()
