#!/usr/bin/python3
"""Webhooks end to end (issue 7, acceptance 4) against a real daemon in capture delivery and real HTTP receivers
(Python's http.server on loopback, started by the test; one over TLS).

  signatures      every POST carries Herald-Signature: t=…,v1=…, checked here with Python's hmac over "<t>.<body>";
                  the payload names the event, its message, campaign and recipient; a message's events arrive in order
  retries         a receiver that answers 500 three times, then 2xx, ends with every event exactly once, in order per
                  message; the delivery log shows the failed attempts and the successful ones
  slow receiver   a receiver that never answers does not slow message delivery (every message delivered while it
                  hangs, within half the webhook timeout; a run without it is printed beside)
  disabling       a receiver refusing connections for 24 hours (the test clock) disables the webhook with an account
                  event; enabled again, what waited is delivered
  durability      kill -9 while events flow: after the restart every event arrives, in order per message
  https           a receiver over TLS whose certificate Herald is told to trust (webhooks.ca_file)
  bad input       bad URL, unknown event type, bad secret, unknown id, another account's webhook, send-scope key;
                  private addresses refused when webhooks.allow_private_networks is off; the secret never in the log
"""
import hashlib
import hmac
import http.server
import json
import os
import ssl
import threading
import time
import uuid

import harness

EVENTS_PER_MESSAGE = ("queued", "sent", "delivered")  # what capture delivery records


class Receiver:
    """An HTTP receiver on 127.0.0.1 in a thread. behaviour(n) decides the answer to the n-th request (1-based):
    an HTTP status, or "hang" (answer nothing until released). Every request is recorded with the status it got."""

    def __init__(self, behaviour=lambda n: 204, tls_files=None, name="receiver"):
        self.name = name
        self.behaviour = behaviour
        self.lock = threading.Lock()
        self.requests = []  # dicts: n, path, headers, body (bytes), status (None while hanging), at
        self.release = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver.lock:
                    n = len(receiver.requests) + 1
                    record = {"n": n, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                              "body": body, "status": None, "at": time.monotonic()}
                    receiver.requests.append(record)
                answer = receiver.behaviour(n)
                if answer == "hang":
                    receiver.release.wait(120)
                    self.close_connection = True
                    return
                record["status"] = answer
                self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((harness.LOOPBACK, 0), Handler)
        self.server.daemon_threads = True
        if tls_files:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls_files)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.scheme = "https" if tls_files else "http"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, host=harness.LOOPBACK, path="/hooks/herald"):
        return f"{self.scheme}://{host}:{self.port}{path}"

    def acknowledged(self):
        """The 2xx-answered requests, in the order they came: [(event dict, record)]."""
        with self.lock:
            done = [r for r in self.requests if r["status"] is not None and 200 <= r["status"] < 300]
        return [(json.loads(r["body"]), r) for r in done]

    def count(self):
        with self.lock:
            return len(self.requests)

    def cleanup(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def describe(self):
        return f"{self.name} on port {self.port}: {self.count()} requests"

    def log_tail(self, lines=20):
        with self.lock:
            return "\n".join(f"{r['n']} {r['status']} {r['body'][:200]!r}" for r in self.requests[-lines:])


def verify_signature(secret, record):
    """Checks Herald-Signature with Python's hmac; answers the signed time."""
    header = record["headers"].get("herald-signature", "")
    parts = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + record["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, parts["v1"]), f"signature {header} does not verify"
    return int(parts["t"])


def send_messages(client, count, tag):
    ids = []
    for n in range(count):
        status, body, _ = client.send(harness.message(n, f"{tag}-{n}", to=f"user{n}@example.com",
                                                      tags=[tag], metadata={"n": str(n)}))
        assert status == 202, body
        ids.append(body["id"])
    return ids


def assert_in_order_per_message(test, acknowledged):
    """The first acknowledgement of each event, per message, follows queued < sent < delivered."""
    first_seen = {}
    order = {}
    for event, _ in acknowledged:
        if event["id"] in first_seen:
            continue
        first_seen[event["id"]] = True
        order.setdefault(event["message_id"], []).append(event["type"])
    for message_id, types in order.items():
        test.assertEqual(types, sorted(types, key=EVENTS_PER_MESSAGE.index), f"{message_id}: {types}")
    return order


class WebhooksTest(harness.ProcessTestCase):
    @classmethod
    def start_class(cls):
        cls.herald = harness.Herald({"delivery.mode": "capture", "webhooks.allow_private_networks": "true",
                                     "webhooks.retry_initial": "200ms", "webhooks.retry_max": "1s",
                                     "webhooks.timeout": "3s", "testing.adjustable_clock": "true"}, name="webhooks")
        cls.own_class(cls.herald)
        cls.herald.sets["webhooks.ca_file"] = os.path.join(cls.herald.data_dir, "tls", "cert.pem")
        cls.herald.start()

    def new_account(self, prefix="acct"):
        name = f"{prefix}-{uuid.uuid4().hex[:6]}"
        created = harness.create_accounts(self.herald, [name])[name]
        client = self.herald.client(api_key=created["api_key"])
        self.addCleanup(client.close)
        return client

    def create_webhook(self, client, url, events=("*",), **fields):
        status, body, _ = client.post("/v1/webhooks", {"url": url, "events": list(events), **fields})
        self.assertEqual(status, 201, body)
        return body

    def test_events_are_signed_and_arrive_in_order(self):
        receiver = self.own(Receiver())
        client = self.new_account()
        hook = self.create_webhook(client, receiver.url())
        self.assertTrue(hook["secret"].startswith("whsec_"))
        self.assertEqual((hook["status"], hook["events"]), ("active", ["*"]))
        ids = send_messages(client, 5, "signed")
        harness.wait_until(lambda: len(receiver.acknowledged()) >= 15, 60, what="15 events at the receiver")
        time.sleep(0.5)
        acknowledged = receiver.acknowledged()
        self.assertEqual(len(acknowledged), 15, [e for e, _ in acknowledged])
        for event, record in acknowledged:
            signed_at = verify_signature(hook["secret"], record)
            self.assertLess(abs(signed_at - time.time()), 2 * 86400)  # the daemon's clock: a test may move it
            self.assertEqual(record["path"], "/hooks/herald")
            self.assertEqual(record["headers"]["content-type"], "application/json")
            self.assertEqual(record["headers"]["herald-event-id"], event["id"])
            self.assertIn(event["message_id"], ids)
            n = ids.index(event["message_id"])
            self.assertEqual(event["recipient"], f"user{n}@example.com")
            self.assertIsNone(event["campaign"])
            self.assertEqual(event["tags"], ["signed"])
            self.assertEqual(event["metadata"], {"n": str(n)})
            self.assertIn(event["type"], EVENTS_PER_MESSAGE)
            self.assertTrue(event["at"].endswith("Z"))
        # A tampered body does not verify.
        _, record = acknowledged[0]
        with self.assertRaises(AssertionError):
            verify_signature(hook["secret"], dict(record, body=record["body"].replace(b"queued", b"opened")))
        order = assert_in_order_per_message(self, acknowledged)
        self.assertEqual({m: tuple(t) for m, t in order.items()}, {i: EVENTS_PER_MESSAGE for i in ids})
        delivered = [e for e, _ in acknowledged if e["type"] == "delivered"]
        self.assertTrue(all(e["details"].get("attempt") == 1 for e in delivered), delivered)

        status, log, _ = client.get(f"/v1/webhooks/{hook['id']}/deliveries?limit=100")
        self.assertEqual(status, 200, log)
        self.assertEqual(len(log["deliveries"]), 15)
        for entry in log["deliveries"]:
            self.assertEqual((entry["outcome"], entry["http_status"], entry["error"], entry["attempt"]),
                             ("delivered", 204, None, 1), entry)
        # Only the types asked for: a second webhook of the same account for "delivered" alone.
        only = self.own(Receiver(name="delivered-only"))
        self.create_webhook(client, only.url(), events=["delivered"])
        more = send_messages(client, 2, "only")
        harness.wait_until(lambda: len(only.acknowledged()) >= 2, 60, what="2 delivered events")
        time.sleep(0.5)
        self.assertEqual(sorted((e["type"], e["message_id"]) for e, _ in only.acknowledged()),
                         sorted(("delivered", i) for i in more))

    def test_a_receiver_failing_three_times_gets_every_event_once_in_order(self):
        receiver = self.own(Receiver(lambda n: 500 if n <= 3 else 200))
        client = self.new_account()
        hook = self.create_webhook(client, receiver.url())
        ids = send_messages(client, 4, "retry")
        harness.wait_until(lambda: len({e["id"] for e, _ in receiver.acknowledged()}) >= 12, 60,
                           what="12 events acknowledged")
        time.sleep(1.5)  # anything sent twice would show now
        acknowledged = receiver.acknowledged()
        event_ids = [e["id"] for e, _ in acknowledged]
        self.assertEqual(len(event_ids), 12, event_ids)
        self.assertEqual(len(set(event_ids)), 12, "an event was delivered twice")
        self.assertEqual(receiver.count(), 15, "3 failures and 12 deliveries")
        for _, record in acknowledged:
            verify_signature(hook["secret"], record)
        order = assert_in_order_per_message(self, acknowledged)
        self.assertEqual(sorted(order), sorted(ids))

        status, log, _ = client.get(f"/v1/webhooks/{hook['id']}/deliveries?limit=100")
        self.assertEqual(status, 200, log)
        failed = [d for d in log["deliveries"] if d["outcome"] != "delivered"]
        self.assertEqual(len(failed), 3, failed)
        for entry in failed:
            self.assertEqual((entry["outcome"], entry["http_status"], entry["error"]), ("retrying", 500, "HTTP 500"))
            self.assertIsNotNone(entry["next_attempt_at"])
        retried = [d for d in log["deliveries"] if d["outcome"] == "delivered" and d["attempt"] > 1]
        self.assertEqual(len(retried), len({d["event_id"] for d in failed}), log["deliveries"])
        # Pages: newest first, next_cursor to the rest.
        status, page, _ = client.get(f"/v1/webhooks/{hook['id']}/deliveries?limit=10")
        self.assertEqual(len(page["deliveries"]), 10)
        status, rest, _ = client.get(f"/v1/webhooks/{hook['id']}/deliveries?limit=10&cursor={page['next_cursor']}")
        self.assertEqual(len(rest["deliveries"]), 5)
        self.assertIsNone(rest["next_cursor"])
        self.assertEqual([d["id"] for d in page["deliveries"] + rest["deliveries"]],
                         [d["id"] for d in log["deliveries"]])
        status, hook_now, _ = client.get(f"/v1/webhooks/{hook['id']}")
        self.assertIsNone(hook_now["failing_since"], "delivering again clears it")

    def test_disabled_after_a_day_of_failures_and_enabled_again(self):
        gone = Receiver()
        closed_url = gone.url()
        gone.cleanup()  # nothing listens there any more: connection refused
        client = self.new_account()
        hook = self.create_webhook(client, closed_url)
        [first] = send_messages(client, 1, "refused")

        def failures():
            _, log, _ = client.get(f"/v1/webhooks/{hook['id']}/deliveries?limit=100")
            return [d for d in log["deliveries"] if d["outcome"] == "retrying"]
        seen = harness.wait_until(lambda: len(failures()) >= 2 and failures(), 30, what="two failed attempts")
        self.assertEqual(seen[0]["error"], "connection refused")
        self.assertIsNone(seen[0]["http_status"])
        self.assertEqual(seen[0]["event_type"], "queued", "a message's later events wait for its first")
        status, body, _ = client.get(f"/v1/webhooks/{hook['id']}")
        self.assertIsNotNone(body["failing_since"])
        self.assertEqual(body["status"], "active")

        operator = self.herald.client()
        self.addCleanup(operator.close)
        status, body, _ = operator.post("/v1/test/clock", {"advance": "25h"})
        self.assertEqual(status, 200, body)

        def disabled():
            _, body, _ = client.get(f"/v1/webhooks/{hook['id']}")
            return body if body["status"] == "disabled" else None
        body = harness.wait_until(disabled, 30, what="the webhook disabled")
        self.assertFalse(body["enabled"])
        self.assertIsNotNone(body["disabled_at"])
        self.assertEqual([h["type"] for h in body["history"]], ["webhook.disabled"])
        self.assertEqual(body["history"][0]["url"], closed_url)
        _, log, _ = client.get(f"/v1/webhooks/{hook['id']}/deliveries?limit=100")
        gave_up = [d for d in log["deliveries"] if d["outcome"] == "gave_up"]
        self.assertEqual([(d["event_type"], d["message_id"]) for d in gave_up], [("queued", first)])
        attempts = len(log["deliveries"])
        time.sleep(1.5)
        _, log, _ = client.get(f"/v1/webhooks/{hook['id']}/deliveries?limit=100")
        self.assertEqual(len(log["deliveries"]), attempts, "a disabled webhook is not attempted")

        # Enabled again, at a receiver that works: what waited (the message's later events) and what came
        # meanwhile are delivered, in order.
        receiver = self.own(Receiver())
        [later] = send_messages(client, 1, "while-disabled")
        status, body, _ = client.request("PATCH", f"/v1/webhooks/{hook['id']}", {"enabled": True, "url": receiver.url()})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["status"], body["failing_since"], body["disabled_at"]), ("active", None, None))
        self.assertNotIn("secret", body)
        harness.wait_until(lambda: len(receiver.acknowledged()) >= 5, 60, what="5 events after enabling")
        time.sleep(0.5)
        got = sorted((e["message_id"], e["type"]) for e, _ in receiver.acknowledged())
        self.assertEqual(got, sorted([(first, "sent"), (first, "delivered")] +
                                     [(later, t) for t in EVENTS_PER_MESSAGE]))
        assert_in_order_per_message(self, receiver.acknowledged())

    def test_https_receiver_with_a_trusted_certificate(self):
        tls_dir = os.path.join(self.herald.data_dir, "tls")
        receiver = self.own(Receiver(tls_files=(os.path.join(tls_dir, "cert.pem"), os.path.join(tls_dir, "key.pem")),
                                     name="https-receiver"))
        client = self.new_account()
        hook = self.create_webhook(client, receiver.url(host="localhost"), events=["delivered"])
        [sent] = send_messages(client, 1, "tls")
        harness.wait_until(lambda: receiver.acknowledged(), 60, what="an event over https")
        event, record = receiver.acknowledged()[0]
        verify_signature(hook["secret"], record)
        self.assertEqual((event["type"], event["message_id"]), ("delivered", sent))

    def test_durable_across_kill9(self):
        receiver = self.own(Receiver(name="durable"))
        client = self.new_account()
        self.create_webhook(client, receiver.url())
        ids = send_messages(client, 40, "durable")
        harness.wait_until(lambda: len(receiver.acknowledged()) >= 10, 60, what="some events delivered")
        self.herald.kill9()
        before = len(receiver.acknowledged())
        self.herald.restart()
        client = self.herald.client(api_key=client.api_key)
        self.addCleanup(client.close)
        more = send_messages(client, 5, "after-restart")
        expected = {(i, t) for i in ids + more for t in EVENTS_PER_MESSAGE}

        def missing():
            return expected - {(e["message_id"], e["type"]) for e, _ in receiver.acknowledged()}
        try:
            harness.wait_until(lambda: not missing(), 120, what="every event after the restart")
        except AssertionError as e:
            raise AssertionError(f"{e}: missing {sorted(missing())[:6]} ({len(missing())} in all)") from None
        acknowledged = receiver.acknowledged()
        duplicates = len(acknowledged) - len({e["id"] for e, _ in acknowledged})
        self.assertLessEqual(duplicates, 30, f"{duplicates} duplicates ({before} acknowledged before the kill)")
        assert_in_order_per_message(self, acknowledged)

    def test_bad_input_gets_clear_codes(self):
        client = self.new_account()
        other = self.new_account("other")
        good = {"url": "https://crm.example.com/hooks", "events": ["delivered"]}
        cases = [
            ({"url": "ftp://crm.example.com/", "events": ["delivered"]}, "invalid_url", "url"),
            ({"url": "https://user:pw@crm.example.com/", "events": ["delivered"]}, "invalid_url", "url"),
            ({"url": "https://crm.example.com/a b", "events": ["delivered"]}, "invalid_url", "url"),
            ({"url": "not a url", "events": ["delivered"]}, "invalid_url", "url"),
            ({"url": 5, "events": ["delivered"]}, "invalid_type", "url"),
            ({"url": "https://crm.example.com/", "events": ["delivered", "exploded"]}, "unknown_event_type", "events"),
            ({"url": "https://crm.example.com/", "events": []}, "invalid_value", "events"),
            ({"url": "https://crm.example.com/", "events": "delivered"}, "invalid_value", "events"),
            ({"url": "https://crm.example.com/", "events": ["*", "delivered"]}, "invalid_value", "events"),
            ({"url": "https://crm.example.com/"}, "missing_field", "events"),
            ({"events": ["delivered"]}, "missing_field", "url"),
            (dict(good, secret="short"), "invalid_secret", "secret"),
            (dict(good, secret="x" * 30 + " y"), "invalid_secret", "secret"),
            (dict(good, enabled="yes"), "invalid_type", "enabled"),
            (dict(good, colour="blue"), "unknown_field", "colour"),
        ]
        for body, code, field in cases:
            status, answer, _ = client.post("/v1/webhooks", body)
            self.assertEqual((status, answer["error"]["code"], answer["error"]["field"]), (422, code, field),
                             (body, answer))
        status, answer, _ = client.post("/v1/webhooks", "{not json")
        self.assertEqual((status, answer["error"]["code"]), (400, "invalid_json"))
        status, listed, _ = client.get("/v1/webhooks")
        self.assertEqual(listed, {"webhooks": []}, "a refused request changes nothing")

        chosen = "my-own-secret-of-32-characters!!"
        hook = self.create_webhook(client, good["url"], events=["delivered"], secret=chosen)
        self.assertEqual(hook["secret"], chosen)
        for method, path in (("GET", "/v1/webhooks/whk_nope"), ("PATCH", "/v1/webhooks/whk_nope"),
                             ("DELETE", "/v1/webhooks/whk_nope"), ("GET", "/v1/webhooks/whk_nope/deliveries")):
            status, answer, _ = client.request(method, path, {} if method == "PATCH" else None)
            self.assertEqual((status, answer["error"]["code"]), (404, "not_found"), (method, path))
        # Another account's webhook is as if it did not exist, and stays as it was.
        for method, path, body in (("GET", f"/v1/webhooks/{hook['id']}", None),
                                   ("PATCH", f"/v1/webhooks/{hook['id']}", {"enabled": False}),
                                   ("DELETE", f"/v1/webhooks/{hook['id']}", None),
                                   ("GET", f"/v1/webhooks/{hook['id']}/deliveries", None)):
            status, answer, _ = other.request(method, path, body)
            self.assertEqual((status, answer["error"]["code"]), (404, "not_found"), (method, path))
        self.assertEqual(other.get("/v1/webhooks")[1], {"webhooks": []})
        status, body, _ = client.get(f"/v1/webhooks/{hook['id']}")
        self.assertEqual((status, body["status"]), (200, "active"))
        self.assertNotIn("secret", body)
        status, answer, _ = client.request("PATCH", f"/v1/webhooks/{hook['id']}", {"events": ["bogus"]})
        self.assertEqual((status, answer["error"]["code"]), (422, "unknown_event_type"))
        status, answer, _ = client.get(f"/v1/webhooks/{hook['id']}/deliveries?cursor=zzz")
        self.assertEqual((status, answer["error"]["code"]), (422, "invalid_value"))
        # A send-scope key may not manage webhooks.
        status, key, _ = client.post("/v1/api-keys", {"name": "sender", "scope": "send"})
        self.assertEqual(status, 201, key)
        status, answer, _ = client.get("/v1/webhooks", api_key=key["api_key"])
        self.assertEqual((status, answer["error"]["code"]), (403, "forbidden"))
        status, _, _ = client.delete(f"/v1/webhooks/{hook['id']}")
        self.assertEqual(status, 204)
        status, _, _ = client.get(f"/v1/webhooks/{hook['id']}")
        self.assertEqual(status, 404)
        # Secrets never reach the log.
        with open(self.herald.log_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        self.assertNotIn(chosen, log)
        self.assertNotIn(hook["secret"], log)


class PrivateNetworksTest(harness.ProcessTestCase):
    """With webhooks.allow_private_networks off (the default), loopback receivers are out of reach."""

    def test_private_addresses_are_refused(self):
        herald = self.own(harness.Herald({"delivery.mode": "capture", "webhooks.retry_initial": "200ms"},
                                         name="public-only")).start()
        receiver = self.own(Receiver(name="unreachable"))
        client = herald.client()
        self.addCleanup(client.close)
        for url in (receiver.url(), "http://10.1.2.3/h", "http://[::1]:8080/h", "http://169.254.169.254/latest"):
            status, answer, _ = client.post("/v1/webhooks", {"url": url, "events": ["*"]})
            self.assertEqual((status, answer["error"]["code"], answer["error"]["field"]), (422, "url_not_allowed", "url"),
                             url)
        # A name is checked where it leads, at each connection.
        status, hook, _ = client.post("/v1/webhooks", {"url": receiver.url(host="localhost"), "events": ["queued"]})
        self.assertEqual(status, 201, hook)
        send_messages(client, 1, "private")

        def refused():
            _, log, _ = client.get(f"/v1/webhooks/{hook['id']}/deliveries")
            return log["deliveries"]
        entries = harness.wait_until(refused, 30, what="a refused attempt")
        self.assertTrue(entries[0]["error"].startswith("address not allowed: "), entries[0])
        self.assertEqual(receiver.count(), 0)


class SlowReceiverTest(harness.ProcessTestCase):
    """A receiver that never answers holds only its own webhook's POSTs, never message delivery."""

    def test_a_hanging_receiver_does_not_slow_delivery(self):
        herald = self.own(harness.Herald({"delivery.mode": "capture", "webhooks.allow_private_networks": "true",
                                          "webhooks.timeout": "60s"}, name="slow-receiver")).start()
        client = herald.client()
        self.addCleanup(client.close)
        count = 150

        def deliver(tag):
            messages = [harness.message(n, f"{tag}-{n}") for n in range(count)]
            start = time.monotonic()
            results = harness.send_concurrently(herald.port, herald.api_key, messages, threads=8)
            accepted = time.monotonic() - start
            ids = [body["id"] for status, body, _ in results if status == 202]
            self.assertEqual(len(ids), count, [r for r in results if r[0] != 202][:3])
            harness.wait_for_statuses(client, ids, ("delivered",), timeout=120, interval=0.1)
            return accepted, time.monotonic() - start

        deliver("warm-up")
        base_accepted, base_delivered = deliver("baseline")
        receiver = self.own(Receiver(lambda n: "hang", name="hanging"))
        status, hook, _ = client.post("/v1/webhooks", {"url": receiver.url(), "events": ["*"]})
        self.assertEqual(status, 201, hook)
        hang_accepted, hang_delivered = deliver("hanging")
        hanging_now = receiver.count()
        answered = [r for r in receiver.requests if r["status"] is not None]
        report = (f"baseline: accepted in {base_accepted:.2f} s, delivered in {base_delivered:.2f} s; "
                      f"with a hanging receiver ({hanging_now} POSTs waiting): accepted in {hang_accepted:.2f} s, "
                      f"delivered in {hang_delivered:.2f} s")
        print(report)
        self.assertGreaterEqual(hanging_now, 1, "the receiver was reached and hung")
        self.assertEqual(answered, [], "nothing was answered while the messages went")
        # Had delivery waited for a hanging POST it would have taken the webhook timeout (60 s) at least;
        # half of it is a bound no machine's slowness reaches, unlike a comparison with the baseline.
        self.assertLess(hang_delivered, 30, report)
        # Stopping does not wait for the hanging POSTs.
        start = time.monotonic()
        self.assertEqual(herald.terminate(timeout=30), 0)
        self.assertLess(time.monotonic() - start, 15)


if __name__ == "__main__":
    harness.main()
