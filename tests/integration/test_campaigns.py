#!/usr/bin/python3
"""Profiles, campaigns and triggers end to end (issue 6) against a real daemon in capture delivery: each message is
kept as it would have left, so the test reads what the recipient would read.

  end to end   a transactional profile table and an active campaign; two triggers for one address with different
               attributes → one profile holding the later values, two messages each rendered with its own values;
               HTML in the trigger's data arrives escaped; an attachment arrives byte for byte
  bad input    unknown campaign, paused campaign, strict campaign with a missing variable, an attribute of the wrong
               type, a unique value of another profile, attachments over 30 MB — each with its code, nothing written
  versions     a content change makes version 2, and the message records the version it was rendered from
  batch        up to 500 triggers, one result each; preview and test sends
"""
import base64
import csv
import email
import email.policy
import io
import re
import urllib.error
import urllib.request
import uuid

import harness


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class CampaignsTest(harness.ProcessTestCase):
    @classmethod
    def start_class(cls):
        cls.herald = cls.own_class(harness.Herald({"delivery.mode": "capture"}, name="campaigns")).start()
        cls.client = cls.herald.client()
        status, body, _ = cls.client.post("/v1/profile-tables", {
            "name": "contacts", "kind": "transactional",
            "attributes": [{"name": "firstName", "type": "string"}, {"name": "loyalty", "type": "integer"}]})
        assert status == 201, body
        cls.campaign = cls.create_campaign("order-confirmation", status="active")

    @classmethod
    def create_campaign(cls, key, **fields):
        body = {"key": key, "name": "Order confirmation", "profile_table": "contacts",
                "from": "Shop <orders@shop.example>", "subject": "Order {{data.order.id}} for {{profile.firstName}}",
                "html": "<p>Hello {{profile.firstName}} ({{profile.loyalty}} points)</p><p>{{data.note}}</p>"
                        "<ul>{{#data.order.items}}<li>{{qty}} x {{name}}</li>{{/data.order.items}}</ul>",
                "missing_variables": "lenient"}
        body.update(fields)
        status, campaign, _ = cls.client.post("/v1/campaigns", body)
        assert status == 201, campaign
        return campaign

    def trigger(self, email_address, attributes=None, data=None, campaign="order-confirmation", **extra):
        body = {"campaign": campaign, "to": {"email": email_address, "attributes": attributes or {}},
                "data": data if data is not None else {"order": {"id": "1001", "items": []}, "note": ""}}
        body.update(extra)
        return self.client.post("/v1/messages", body)

    def captured(self, message_id):
        harness.wait_for_statuses(self.client, [message_id], ("delivered",), timeout=30)
        status, body, _ = self.client.get(f"/v1/sandbox/messages/{message_id}")
        self.assertEqual(status, 200, body)
        return email.message_from_string(body["raw"], policy=email.policy.default)

    def html_of(self, message):
        return message.get_body(preferencelist=("html",)).get_content()

    def message_count(self):
        return len(self.client.list_all())

    def test_two_triggers_one_profile_two_messages(self):
        address = f"jane-{uuid.uuid4().hex[:8]}@example.com"
        status, first, _ = self.trigger(address, {"firstName": "Jane", "loyalty": 10},
                                        {"order": {"id": "A1", "items": [{"qty": 2, "name": "Tea"}]}, "note": "thanks"})
        self.assertEqual(status, 202, first)
        status, second, _ = self.trigger(address, {"firstName": "Janet", "loyalty": 11},
                                         {"order": {"id": "A2", "items": []},
                                          "note": "<script>alert('x')</script> & \"friends\""})
        self.assertEqual(status, 202, second)

        status, profile, _ = self.client.get(f"/v1/profile-tables/contacts/profiles/{address}")
        self.assertEqual(status, 200, profile)
        self.assertEqual(profile["attributes"], {"emailAddress": address, "firstName": "Janet", "loyalty": 11})
        status, found, _ = self.client.get(f"/v1/profile-tables/contacts/profiles?emailAddress={address}")
        self.assertEqual([p["id"] for p in found["profiles"]], [profile["id"]])

        one, two = self.captured(first["id"]), self.captured(second["id"])
        self.assertEqual(one["Subject"], "Order A1 for Jane")
        self.assertIn("Hello Jane (10 points)", self.html_of(one))
        self.assertIn("<li>2 x Tea</li>", self.html_of(one))
        self.assertEqual(two["Subject"], "Order A2 for Janet")
        html = self.html_of(two)
        self.assertIn("Hello Janet (11 points)", html)
        self.assertIn("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;friends&quot;", html)
        self.assertNotIn("<script>", html)
        # The text part was derived from the HTML.
        self.assertIn("Hello Janet (11 points)", two.get_body(preferencelist=("plain",)).get_content())
        record = self.client.message(first["id"])
        self.assertEqual((record["campaign"], record.get("campaign_version")), ("order-confirmation", 1), record)

    def test_an_attachment_arrives_byte_for_byte(self):
        payload = bytes(range(256)) * 400
        status, body, _ = self.trigger(f"att-{uuid.uuid4().hex[:8]}@example.com", {"firstName": "A"}, attachments=[
            {"filename": "invoice 1001.pdf", "content_type": "application/pdf",
             "content": base64.b64encode(payload).decode()}])
        self.assertEqual(status, 202, body)
        message = self.captured(body["id"])
        attachments = list(message.iter_attachments())
        self.assertEqual([a.get_filename() for a in attachments], ["invoice 1001.pdf"])
        self.assertEqual(attachments[0].get_content(), payload)

    def test_bad_triggers_are_refused_and_write_nothing(self):
        address = f"bad-{uuid.uuid4().hex[:8]}@example.com"
        status, body, _ = self.trigger(address, {"firstName": "Ann", "loyalty": 1})
        self.assertEqual(status, 202, body)
        other = f"other-{uuid.uuid4().hex[:8]}@example.com"
        status, body, _ = self.client.request("PUT", f"/v1/profile-tables/contacts/profiles/{other}",
                                          {"attributes": {"gsmNumber": "+32 475 12 34 56"}})
        self.assertEqual(status, 201, body)
        self.create_campaign("paused-one", status="paused")
        self.create_campaign("strict-one", status="active", subject="Order {{data.order.id}}", missing_variables="strict")
        before = self.message_count()

        cases = [
            ({"campaign": "nope"}, 422, "unknown_campaign", "campaign"),
            ({"campaign": "paused-one"}, 409, "campaign_not_active", "campaign"),
            ({"campaign": "strict-one", "data": {"note": "no order"}}, 422, "missing_variable", "data.order.id"),
            ({"attributes": {"loyalty": "lots", "firstName": "Changed"}}, 422, "invalid_value", "to.attributes.loyalty"),
            ({"attributes": {"shoeSize": 42}}, 422, "unknown_attribute", "to.attributes.shoeSize"),
            ({"gsm": "+32475123456", "attributes": {"firstName": "Changed"}}, 409, "duplicate_value", "to.attributes.gsmNumber"),
            ({"attachments": [{"filename": "big.bin", "content_type": "application/octet-stream",
                               "content": base64.b64encode(b"\0" * 30_500_000).decode()}]}, 413, "payload_too_large",
             "attachments"),
        ]
        for change, code, error, field in cases:
            with self.subTest(error=error):
                body = {"campaign": "order-confirmation", "to": {"email": address}, "data": {"order": {"id": "B1"}}}
                for key, value in change.items():
                    if key in ("attributes", "gsm"):
                        body["to"][key] = value
                    else:
                        body[key] = value
                status, answer, _ = self.client.post("/v1/messages", body)
                self.assertEqual((status, answer["error"]["code"]), (code, error), answer)
                if code != 413:
                    self.assertEqual(answer["error"]["field"], field, answer)
        self.assertEqual(self.message_count(), before)
        status, profile, _ = self.client.get(f"/v1/profile-tables/contacts/profiles/{address}")
        self.assertEqual(profile["attributes"], {"emailAddress": address, "firstName": "Ann", "loyalty": 1})

    def test_a_content_change_makes_a_version(self):
        campaign = self.create_campaign("versioned", status="active")
        self.assertEqual(campaign["version"], 1)
        status, changed, _ = self.client.request("PATCH", "/v1/campaigns/versioned", {"subject": "New {{data.order.id}}"})
        self.assertEqual((status, changed["version"]), (200, 2), changed)
        status, same, _ = self.client.request("PATCH", "/v1/campaigns/versioned", {"name": "Renamed"})
        self.assertEqual((status, same["version"], same["name"]), (200, 2, "Renamed"), same)
        status, body, _ = self.trigger(f"v-{uuid.uuid4().hex[:8]}@example.com", {"firstName": "V"}, campaign="versioned")
        self.assertEqual(status, 202, body)
        self.assertEqual(self.client.message(body["id"]).get("campaign_version"), 2)
        self.assertEqual(self.captured(body["id"])["Subject"], "New 1001")
        status, bad, _ = self.client.request("PATCH", "/v1/campaigns/versioned", {"html": "{{#open}}never closed"})
        self.assertEqual((status, bad["error"]["code"], bad["error"]["field"]), (422, "invalid_template", "html"), bad)

    def test_opens_and_clicks_are_tracked_and_tokens_cannot_be_forged(self):
        self.create_campaign("tracked", status="active", track_opens=True, track_clicks=True,
                             html='<html><body><p>Hi {{profile.firstName}}</p>'
                                  '<a href="https://shop.example/orders/{{data.order.id}}?a=1&amp;b=2">Your order</a> '
                                  '<a href="mailto:help@shop.example">help</a></body></html>')
        status, body, _ = self.trigger(f"t-{uuid.uuid4().hex[:8]}@example.com", {"firstName": "Tom"}, campaign="tracked")
        self.assertEqual(status, 202, body)
        message = self.captured(body["id"])
        html = self.html_of(message)
        base = f"http://{harness.LOOPBACK}:{self.herald.port}"
        self.assertNotIn("https://shop.example/orders", html)  # the link is rewritten
        self.assertIn('href="mailto:help@shop.example"', html)
        click = re.search(r'href="([^"]*/t/c/[^"]+)"', html).group(1)
        pixel = re.search(r'<img src="([^"]*/t/o/[^"]+)"', html).group(1)
        self.assertTrue(click.startswith(base) and pixel.startswith(base), (click, pixel))
        # The text part keeps the original link.
        self.assertIn("https://shop.example/orders/1001?a=1&b=2", message.get_body(preferencelist=("plain",)).get_content())

        with urllib.request.urlopen(urllib.request.Request(pixel, headers={"User-Agent": "TestMail/1.0"})) as r:
            self.assertEqual((r.status, r.headers["Content-Type"]), (200, "image/gif"))
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(urllib.request.Request(click, headers={"User-Agent": "TestMail/1.0"}))
            self.fail("no redirect")
        except urllib.error.HTTPError as e:
            self.assertEqual((e.code, e.headers["Location"]), (302, "https://shop.example/orders/1001?a=1&b=2"))
        # A forged or damaged token is 404, never a redirect.
        for bad in (click[:-3] + ("AAA" if not click.endswith("AAA") else "BBB"), base + "/t/c/nonsense", pixel.replace("/t/o/", "/t/c/")):
            with self.subTest(bad=bad):
                with self.assertRaises(urllib.error.HTTPError) as caught:
                    opener.open(bad)
                self.assertEqual(caught.exception.code, 404)

        events = self.client.message(body["id"])["events"]
        opened = [e for e in events if e["type"] == "opened"]
        clicked = [e for e in events if e["type"] == "clicked"]
        self.assertEqual(len(opened), 1, events)
        self.assertEqual(opened[0]["user_agent"], "TestMail/1.0")
        self.assertEqual(opened[0]["ip"], "127.0.0.0")  # anonymized by default
        self.assertEqual([e["url"] for e in clicked], ["https://shop.example/orders/1001?a=1&b=2"])

        # The timeline alone names the message, and the statistics show it all at once (the counters
        # move in the commit that stores each event): a second open counts, but not as unique.
        with urllib.request.urlopen(pixel):
            pass
        status, timeline, _ = self.client.get(f"/v1/messages/{body['id']}/events")
        self.assertEqual(status, 200, timeline)
        self.assertEqual([e["type"] for e in timeline["events"]][-3:], ["opened", "clicked", "opened"])
        self.assertTrue(all(e["message_id"] == body["id"] and e["campaign"] == "tracked" for e in timeline["events"]))
        status, stats, _ = self.client.get("/v1/stats?campaign=tracked&group_by=campaign")
        self.assertEqual(status, 200, stats)
        totals = stats["totals"]
        self.assertEqual((totals["sent"], totals["delivered"], totals["opened"], totals["unique_opened"],
                          totals["clicked"], totals["unique_clicked"]), (1, 1, 2, 1, 1, 1), stats)
        self.assertEqual(totals["rates"]["open_rate"], 1.0)
        self.assertEqual([g["campaign"] for g in stats["groups"]], ["tracked"])
        status, by_domain, _ = self.client.get("/v1/stats?group_by=domain")
        self.assertIn("shop.example", [g["domain"] for g in by_domain["groups"]], by_domain)
        for query, field in (("group_by=week", "group_by"), ("from=yesterday", "from"),
                             ("from=2026-12-02&to=2026-12-01", "from")):
            with self.subTest(query=query):
                status, error, _ = self.client.get("/v1/stats?" + query)
                self.assertEqual((status, error["error"]["code"], error["error"]["field"]), (422, "invalid_value", field))

    def test_messages_export_as_csv_streamed_page_by_page(self):
        # 1,200 messages: more than one page of the export (1,000 rows).
        self.create_campaign("exported", status="active", subject='Order {{data.order.id}}, "thanks"')
        for batch in range(3):
            items = [{"campaign": "exported", "to": {"email": f"e{batch}-{n}@example.com"},
                      "data": {"order": {"id": f"E{batch}-{n}", "items": []}, "note": 'a "quoted", note'}}
                     for n in range(400)]
            status, body, _ = self.client.post("/v1/messages/batch", {"messages": items})
            self.assertEqual(status, 200, body)
        status, body, headers = self.client.get("/v1/exports/messages?campaign=exported&to=2100-01-01")
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("transfer-encoding"), "chunked")
        self.assertTrue(headers["content-type"].startswith("text/csv"))
        rows = list(csv.DictReader(io.StringIO(body["_raw"], newline="")))
        self.assertEqual(len(rows), 1200)
        self.assertEqual(len({r["id"] for r in rows}), 1200)
        self.assertEqual({r["campaign"] for r in rows}, {"exported"})
        self.assertEqual(rows[0]["from"], "Shop <orders@shop.example>")
        self.assertEqual(rows[0]["sender_domain"], "shop.example")
        self.assertRegex(rows[0]["subject"], r'^Order E2-\d+, "thanks"$')  # quoted and read back whole
        self.assertTrue(all(r["status"] in ("queued", "delivered") for r in rows))
        self.assertEqual(rows, sorted(rows, key=lambda r: r["id"], reverse=True))  # newest first

        status, body, _ = self.client.get("/v1/exports/messages?campaign=exported&to=2000-01-01")
        self.assertEqual(body["_raw"].splitlines(), [body["_raw"].splitlines()[0]])  # the header alone
        for query, field in (("from=soon", "from"), ("status=lost", "status"),
                             ("from=2026-12-02&to=2026-12-01", "from")):
            with self.subTest(query=query):
                status, error, _ = self.client.get("/v1/exports/messages?" + query)
                self.assertEqual((status, error["error"]["code"], error["error"]["field"]), (422, "invalid_value", field))

    def test_batch_preview_and_test_send(self):
        items = [{"campaign": "order-confirmation", "to": {"email": f"b{n}-{uuid.uuid4().hex[:6]}@example.com"},
                  "data": {"order": {"id": f"C{n}"}}} for n in range(3)]
        items.insert(1, {"campaign": "nope", "to": "x@example.com"})
        status, body, _ = self.client.post("/v1/messages/batch", {"messages": items})
        self.assertEqual(status, 200, body)
        results = body["results"]
        self.assertEqual([r["index"] for r in results], [0, 1, 2, 3])
        self.assertEqual(results[1]["error"]["code"], "unknown_campaign")
        self.assertTrue(all(r["status"] == "queued" for i, r in enumerate(results) if i != 1), results)
        status, body, _ = self.client.post("/v1/messages/batch", {"messages": [items[0]] * 501})
        self.assertEqual((status, body["error"]["code"]), (422, "too_many"))

        self.create_campaign("draft-one")
        status, preview, _ = self.client.post("/v1/campaigns/draft-one/preview", {
            "to": {"email": "p@example.com", "attributes": {"firstName": "Pia"}}, "data": {"order": {"id": "P1"}}})
        self.assertEqual(status, 200, preview)
        self.assertEqual(preview["subject"], "Order P1 for Pia")
        self.assertIn("Hello Pia", preview["text"])
        status, sent, _ = self.client.post("/v1/campaigns/draft-one/test", {
            "to": {"email": "tester@example.com", "attributes": {"firstName": "Tess"}}, "data": {"order": {"id": "T1"}}})
        self.assertEqual(status, 202, sent)
        self.assertEqual(self.captured(sent["id"])["Subject"], "Order T1 for Tess")
        self.assertEqual(self.client.get("/v1/profile-tables/contacts/profiles/tester@example.com")[0], 404)


if __name__ == "__main__":
    harness.main()
