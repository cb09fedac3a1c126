#!/usr/bin/python3
"""Bulk import of profiles from CSV (issue 6, acceptance 3 and 4) against a real daemon.

  over the API   POST /v1/profile-tables/{t}/imports with good and malformed rows: each bad row reported by its row
                 number with its code and column, writing nothing; the rest imported; refusals of the whole file
  with the CLI   `herald profiles import` sends the file in parts (row numbers as in the whole file), prints the
                 summary and the first errors, exits 0 / 1 / 2; draws a progress bar on a terminal
  at scale       IMPORT_ROWS rows (20,000 here; bench/profile_import.sh runs 100,000) through the CLI, the daemon's
                 RSS sampled meanwhile: it stays within 100 MiB of where it started
"""
import json
import os
import pty
import subprocess
import threading
import time

import harness

IMPORT_ROWS = int(os.environ.get("IMPORT_ROWS", "20000"))
RSS_GROWTH_LIMIT = 100 * 1024 * 1024

HEADER = "customerId,email,tier,loyalty,birthday,firstName\n"
# Rows 2-13 of the mixed file: what each row is, and the error it gets (None: imported).
MIXED_ROWS = [
    ("c1,one@example.com,gold,1,1990-01-31,Ann\n", None),                                    # 2
    ('c2,"two@example.com,gold,2,1990-02-01,Bob\n', ("unterminated_quote", None)),          # 3
    ("c3,three@example.com,gold,3\n", ("wrong_column_count", None)),                        # 4
    ("c4,four@example.com,bronze,4,,Dan\n", ("invalid_value", "tier")),                     # 5
    (",five@example.com,gold,5,,Eve\n", ("missing_key", "customerId")),                     # 6
    ("c6,taken@example.com,gold,6,,Fay\n", ("duplicate_value", "email")),                   # 7
    ("\n", None),                                                                            # 8 blank: skipped
    ('c7,"seven"@example.com,gold,7,,Gus\n', ("bad_quote", None)),                          # 9
    ("c9,nine@example.com,gold,many,,Hal\n", ("invalid_value", "loyalty")),                 # 10
    ("c10,ten@example.com,silver,10,1990-02-30,Ivy\n", ("invalid_value", "birthday")),      # 11
    ('c8,"eight@example.com","silver","8",,"O\'Neil, ""Jo"""\r\n', None),                 # 12
    ("c11,eleven@example.com,gold,11,,Zoë\n", None),                                        # 13
]
EXPECTED_ERRORS = [(row, code, field) for row, (_, outcome) in enumerate(MIXED_ROWS, start=2) if outcome
                   for code, field in [outcome]]


class ProfileImportTest(harness.ProcessTestCase):
    table_count = 0

    @classmethod
    def start_class(cls):
        cls.herald = cls.own_class(harness.Herald({"log.level": "info"}, name="import")).start()
        cls.client = cls.herald.client()

    def make_table(self):
        """A new custom table (customers_N) with c0 (taken@example.com) and c9 in it; answers its name."""
        ProfileImportTest.table_count += 1
        name = f"customers_{ProfileImportTest.table_count}"
        status, body, _ = self.client.post("/v1/profile-tables", {
            "name": name, "kind": "custom", "key": "customerId",
            "attributes": [{"name": "customerId", "type": "string"},
                           {"name": "email", "type": "email", "unique": True},
                           {"name": "tier", "type": "enum", "values": ["gold", "silver"], "required": True},
                           {"name": "loyalty", "type": "integer"},
                           {"name": "birthday", "type": "date"},
                           {"name": "firstName", "type": "string"}]})
        self.assertEqual(status, 201, body)
        for key, attributes in (("c0", {"email": "taken@example.com", "tier": "gold"}),
                                ("c9", {"tier": "gold", "loyalty": 9})):
            status, body, _ = self.client.request("PUT", f"/v1/profile-tables/{name}/profiles/{key}",
                                                  {"attributes": attributes})
            self.assertEqual(status, 201, body)
        return name

    def import_csv(self, table, csv, content_type="text/csv", query="", api_key=None):
        """POSTs the CSV, with the test's key or with api_key (on a connection of its own, closed after)."""
        client = self.client if api_key is None else self.herald.client(api_key)
        try:
            return client.post(f"/v1/profile-tables/{table}/imports{query}", csv.encode("utf-8"),
                               headers={"Content-Type": content_type})
        finally:
            if client is not self.client:
                client.close()

    def profile(self, table, key):
        status, body, _ = self.client.get(f"/v1/profile-tables/{table}/profiles/{key}")
        self.assertIn(status, (200, 404), body)
        return body["attributes"] if status == 200 else None

    def assert_mixed_file_outcome(self, table):
        """The profiles after importing the mixed file: the good rows in, the bad ones without a trace."""
        for key in ("c2", "c3", "c4", "c6", "c7", "c10"):
            self.assertIsNone(self.profile(table, key), key)
        status, body, _ = self.client.get(f"/v1/profile-tables/{table}/profiles?email=five@example.com")
        self.assertEqual((status, body["profiles"]), (200, []))
        self.assertEqual(self.profile(table, "c0")["email"], "taken@example.com")
        self.assertEqual(self.profile(table, "c9"), {"customerId": "c9", "tier": "gold", "loyalty": 9})
        self.assertEqual(self.profile(table, "c1"), {"customerId": "c1", "email": "one@example.com", "tier": "gold",
                                                     "loyalty": 1, "birthday": "1990-01-31", "firstName": "Ann"})
        self.assertEqual(self.profile(table, "c8"), {"customerId": "c8", "email": "eight@example.com",
                                                     "tier": "silver", "loyalty": 8, "firstName": 'O\'Neil, "Jo"'})
        self.assertEqual(self.profile(table, "c11")["firstName"], "Zoë")

    # ------------------------------------------------------------------------------------------------- API

    def test_api_reports_malformed_rows_by_number_and_imports_the_rest(self):
        table = self.make_table()
        status, report, _ = self.import_csv(table, HEADER + "".join(row for row, _ in MIXED_ROWS))
        self.assertEqual(status, 200, report)
        self.assertEqual((report["rows"], report["created"], report["updated"], report["failed"]),
                         (11, 3, 0, 8), report)
        self.assertEqual([(e["row"], e["code"], e["field"]) for e in report["errors"]], EXPECTED_ERRORS)
        for error in report["errors"]:
            self.assertTrue(error["message"], error)
        self.assert_mixed_file_outcome(table)

        # Again with changes: the same keys update, an empty cell leaves its attribute as it is.
        status, report, _ = self.import_csv(table, "customerId,loyalty,tier\r\nc1,100,\r\nc8,,gold\r\n")
        self.assertEqual((status, report["created"], report["updated"], report["failed"]), (200, 0, 2, 0), report)
        self.assertEqual(self.profile(table, "c1")["loyalty"], 100)
        self.assertEqual(self.profile(table, "c1")["tier"], "gold")
        self.assertEqual(self.profile(table, "c8")["loyalty"], 8)
        self.assertEqual(self.profile(table, "c8")["tier"], "gold")

    def test_api_refuses_a_file_it_cannot_read_whole(self):
        table = self.make_table()
        for csv, code, field in (("customerId,colour\nc20,red\n", "unknown_attribute", "colour"),
                                 ("tier,loyalty\ngold,1\n", "invalid_csv_header", "customerId"),
                                 ("customerId,tier,tier\nc20,gold,gold\n", "invalid_csv_header", "tier"),
                                 ("", "invalid_csv_header", None)):
            status, body, _ = self.import_csv(table, csv)
            self.assertEqual((status, body["error"]["code"], body["error"].get("field")), (422, code, field), body)
        self.assertIsNone(self.profile(table, "c20"))

        good = "customerId,tier\nc20,gold\n"
        status, body, _ = self.import_csv(table, good, content_type="application/json")
        self.assertEqual((status, body["error"]["code"]), (415, "unsupported_media_type"), body)
        status, body, _ = self.import_csv(table, good, query="?first_row=1")
        self.assertEqual((status, body["error"]["code"], body["error"]["field"]), (422, "invalid_value", "first_row"))
        status, body, _ = self.import_csv("no_such_table", good)
        self.assertEqual(status, 404, body)
        self.assertIsNone(self.profile(table, "c20"))

        # Another account's table does not exist for this key; a send-scope key may import.
        other = harness.create_accounts(self.herald, ["Import other"])["Import other"]
        status, body, _ = self.import_csv(table, good, api_key=other["api_key"])
        self.assertEqual(status, 404, body)
        sender = self.herald.create_operator_key(name="importer", scope="send")["api_key"]
        status, body, _ = self.import_csv(table, good, query="?first_row=500",
                                          api_key=sender)
        self.assertEqual((status, body["created"]), (200, 1), body)
        self.assertEqual(self.profile(table, "c20")["tier"], "gold")

        status, body, _ = self.import_csv(table, "customerId,tier\nc21,bronze\n", query="?first_row=500",
                                          api_key=sender)
        self.assertEqual([(e["row"], e["code"]) for e in body["errors"]], [(500, "invalid_value")], body)

    # ------------------------------------------------------------------------------------------------- CLI

    def write_file(self, name, text):
        path = os.path.join(self.herald.tmp, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return path

    def cli(self, *args, api_key=None, url=True, timeout=120, **popen):
        env = dict(os.environ, HERALD_API_KEY=self.herald.api_key if api_key is None else api_key)
        command = [harness.HERALD_BIN, "profiles", "import", *args]
        if url:
            command += ["--url", f"http://127.0.0.1:{self.herald.port}"]
        streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
        streams.update(popen)
        return subprocess.run(command, text=True, timeout=timeout, env=env, **streams)

    def test_cli_sends_the_file_in_parts_and_reports_rows_of_the_whole_file(self):
        table = self.make_table()
        # The mixed rows after 300 good ones, and 300 more after them: with 1 KiB parts, the errors fall in
        # later parts, and their row numbers are still those of the file.
        before = [f"p{i},p{i}@example.com,gold,{i},,P\n" for i in range(300)]
        after = [f"q{i},q{i}@example.com,silver,{i},,Q\n" for i in range(300)]
        path = self.write_file("mixed.csv", "\ufeff" + HEADER + "".join(before) + "".join(r for r, _ in MIXED_ROWS)
                               + "".join(after))
        out = self.cli("--table", table, path, "--part-bytes", "1024")
        self.assertEqual(out.returncode, 1, out.stderr)
        lines = out.stdout.splitlines()
        self.assertRegex(lines[0], rf"^{path} → {table}: 611 rows in [0-9.]+ s \([0-9,]+ rows/s\)$")
        self.assertEqual(lines[1], "created 603, updated 0, failed 8")
        expected = [(row + 300, code, field) for row, code, field in EXPECTED_ERRORS]
        self.assertEqual(len(lines), 2 + len(expected), out.stdout)
        for line, (row, code, field) in zip(lines[2:], expected):
            self.assertTrue(line.startswith(f"row {row}: {code}" + (f" ({field}): " if field else ": ")), line)
        # No terminal: plain progress lines instead of a bar, a few (one per tenth of the file), the last at 100%.
        progress = out.stderr.splitlines()
        self.assertTrue(2 <= len(progress) <= 10, out.stderr)
        for line in progress:
            self.assertRegex(line, r"^progress: +[0-9]+%  [0-9,]+ rows  [0-9.]+/[0-9.]+ MB  [0-9,]+ rows/s$")
        self.assertRegex(progress[-1], r"^progress: 100%  611 rows  ")
        self.assertNotIn("\r", out.stderr)
        self.assert_mixed_file_outcome(table)
        self.assertEqual(self.profile(table, "q299")["loyalty"], 299)

        # --json: the report of the whole file.
        out = self.cli("--table", table, path, "--part-bytes", "1024", "--json")
        self.assertEqual(out.returncode, 1, out.stderr)
        report = json.loads(out.stdout)
        self.assertEqual((report["rows"], report["created"], report["updated"], report["failed"]), (611, 0, 603, 8))
        self.assertEqual([(e["row"], e["code"], e["field"]) for e in report["errors"]], expected)
        self.assertGreater(report["seconds"], 0)

        # A clean file exits 0.
        path = self.write_file("clean.csv", HEADER + "".join(before))
        out = self.cli("--table", table, path)
        self.assertEqual((out.returncode, out.stdout.splitlines()[1]), (0, "created 0, updated 300, failed 0"),
                         out.stderr)

    def test_cli_refusals_and_usage_errors(self):
        table = self.make_table()
        path = self.write_file("unknown.csv", "customerId,colour\nc30,red\n")
        out = self.cli("--table", table, path)
        self.assertEqual(out.returncode, 1)
        self.assertIn("422 unknown_attribute: colour: the table", out.stderr)
        path = self.write_file("bad_header.csv", 'customerId,"tier\nc30,gold\n')
        out = self.cli("--table", table, path)
        self.assertEqual(out.returncode, 1)
        self.assertIn("the header (row 1): a quoted field is not closed", out.stderr)
        self.assertIsNone(self.profile(table, "c30"))

        good = self.write_file("good.csv", "customerId,tier\nc30,gold\n")
        self.assertEqual(self.cli(good).returncode, 2)                                     # no --table
        self.assertEqual(self.cli("--table", table, good + ".missing").returncode, 2)    # no such file
        self.assertEqual(self.cli("--table", "Bad/Name", good).returncode, 2)
        self.assertEqual(self.cli("--table", table, good, api_key="").returncode, 2)   # no API key
        # Without --url, http.listen says where the daemon is: nothing listens there.
        out = self.cli("--table", table, good, "--set", f"http.listen=127.0.0.1:{harness.free_port()}", url=False)
        self.assertEqual(out.returncode, 1)
        self.assertIn("is herald serve running there?", out.stderr)
        out = self.cli("--table", "no_such_table", good)
        self.assertEqual(out.returncode, 1)
        self.assertIn("404 not_found", out.stderr)
        self.assertIsNone(self.profile(table, "c30"))

    def test_cli_draws_a_progress_bar_on_a_terminal(self):
        table = self.make_table()
        rows = "".join(f"t{i},t{i}@example.com,gold,{i},,T\n" for i in range(3000))
        path = self.write_file("progress.csv", HEADER + rows)
        # stderr is a terminal (a pseudo-terminal read by a thread, so that the CLI never waits on it).
        leader, follower = pty.openpty()
        drawn = []

        def read_terminal():
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the CLI has exited and closed its end
                    return
                if not chunk:
                    return
                drawn.append(chunk)

        reader = threading.Thread(target=read_terminal)
        reader.start()
        try:
            out = self.cli("--table", table, path, "--part-bytes", "16384", stderr=follower)
        finally:
            os.close(follower)
            reader.join(timeout=30)
            os.close(leader)
        bar = b"".join(drawn).decode("utf-8")
        self.assertEqual(out.returncode, 0, bar)
        self.assertIn("\r[", bar)
        self.assertIn("] 100%  3,000 rows", bar)
        self.assertIn("rows/s", bar)
        self.assertRegex(bar, r"\] +[1-9][0-9]?%  [0-9,]+ rows")  # drawn along the way, not only at the end
        self.assertIn("created 3,000", out.stdout)

    # --------------------------------------------------------------------------------------------- at scale

    def test_a_large_import_keeps_memory_flat(self):
        table = self.make_table()
        path = os.path.join(self.herald.tmp, "large.csv")
        with open(path, "w") as f:
            f.write(HEADER)
            for i in range(IMPORT_ROWS):
                f.write(f"L{i},l{i}@example.com,{'gold' if i % 2 else 'silver'},{i},1990-01-{1 + i % 28:02d},"
                        f"\"Person {i}, the {i % 7}th\"\n")
            f.write("bad,row\n")

        samples = []
        done = threading.Event()

        def sample_rss():
            while not done.is_set():
                samples.append(rss_bytes(self.herald.proc.pid))
                time.sleep(0.1)

        start_rss = rss_bytes(self.herald.proc.pid)
        sampler = threading.Thread(target=sample_rss)
        sampler.start()
        try:
            out = self.cli("--table", table, path, timeout=600)
        finally:
            done.set()
            sampler.join()
        self.assertEqual(out.returncode, 1, out.stderr)
        lines = out.stdout.splitlines()
        rows = f"{IMPORT_ROWS + 1:,}"
        self.assertRegex(lines[0], rf" {rows} rows in [0-9.]+ s")
        self.assertEqual(lines[1], f"created {IMPORT_ROWS:,}, updated 0, failed 1")
        self.assertEqual(lines[2], f"row {IMPORT_ROWS + 2}: wrong_column_count: the row has 2 fields, the header 6")
        self.assertEqual(self.profile(table, f"L{IMPORT_ROWS - 1}")["loyalty"], IMPORT_ROWS - 1)
        peak = max(samples + [start_rss])
        print(f"\n{IMPORT_ROWS} rows: {lines[0]}; daemon RSS {start_rss >> 20} MiB at start, peak {peak >> 20} MiB "
              f"({len(samples)} samples)")
        self.assertLess(peak - start_rss, RSS_GROWTH_LIMIT, f"RSS grew from {start_rss} to {peak}")


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


if __name__ == "__main__":
    import unittest
    unittest.main()
