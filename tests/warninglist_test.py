#!/usr/bin/env python3
"""End-to-end tests of MISP warninglists (known-benign values): `kongsi warninglists import`,
`list` and `check`; indicators naming listed values flagged by `kongsi ingest`; hits on listed
values suppressed (and counted) by `kongsi match`, kept with --no-warninglists.

Lists: the published MISP ones in ../shared/data/misp/warninglists (tests that need them are
skipped when absent) and small written ones in tests/data/warninglists/.

Environment: KONGSI_BIN (the binary, set by CTest), KONGSI_SOURCE_DIR (the repository).
Run: KONGSI_BIN=build/debug/kongsi python3 tests/warninglist_test.py -v
"""

import json
import os
import subprocess
import unittest
import uuid

from node_case import KONGSI_BIN, NodeTestCase, clean_env

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("KONGSI_SOURCE_DIR", os.path.dirname(HERE))
REAL_LISTS = os.path.join(SOURCE, "..", "shared", "data", "misp", "warninglists")
WRITTEN = os.path.join(SOURCE, "tests", "data", "warninglists", "valid")
INVALID = os.path.join(SOURCE, "tests", "data", "warninglists", "invalid", "list.json")
TIMEOUT = 300


def indicator(pattern, name):
    return {"type": "indicator", "spec_version": "2.1", "id": "indicator--%s" % uuid.uuid4(),
            "created": "2021-01-01T00:00:00.000Z", "modified": "2021-01-01T00:00:00.000Z",
            "name": name, "pattern": pattern, "pattern_type": "stix",
            "valid_from": "2021-01-01T00:00:00Z"}


def bundle(objects):
    return {"type": "bundle", "id": "bundle--%s" % uuid.uuid4(), "objects": objects}


INDICATORS = [
    indicator("[ipv4-addr:value = '198.51.100.1']", "listed address"),
    indicator("[ipv4-addr:value = '203.0.113.5']", "unlisted address"),
    indicator("[domain-name:value = 'www.benign.example']", "listed name"),
    indicator("[domain-name:value = 'evil.example']", "unlisted name"),
]

EVE = [
    {"timestamp": "2023-05-01T10:00:00.000000+0000", "event_type": "flow",
     "src_ip": "10.9.9.9", "dest_ip": "198.51.100.1"},
    {"timestamp": "2023-05-01T10:00:01.000000+0000", "event_type": "flow",
     "src_ip": "10.9.9.9", "dest_ip": "203.0.113.5"},
    {"timestamp": "2023-05-01T10:00:02.000000+0000", "event_type": "dns",
     "src_ip": "10.9.9.9", "dest_ip": "10.0.0.53", "dns": {"rrname": "www.benign.example"}},
    {"timestamp": "2023-05-01T10:00:03.000000+0000", "event_type": "dns",
     "src_ip": "10.9.9.9", "dest_ip": "10.0.0.53", "dns": {"rrname": "evil.example"}},
]


class WarninglistTestCase(NodeTestCase):
    def kongsi(self, *args, data_dir=None):
        cmd = [KONGSI_BIN, "--data-dir", data_dir or self.data_dir] + [str(a) for a in args]
        return subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, env=clean_env(),
                              cwd=self.tmp)

    def ok(self, *args):
        p = self.kongsi(*args)
        self.assertEqual(p.returncode, 0, "kongsi %s -> %d\n%s\n%s" % (
            " ".join(map(str, args)), p.returncode, p.stdout.decode(errors="replace")[:2000],
            p.stderr.decode(errors="replace")[:3000]))
        return p

    def write(self, name, content):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(content)
        return path

    def node(self):
        self.ok("init", "--name", "warninglist node")

    def listed(self):
        p = self.ok("warninglists", "list", "--format", "json")
        return json.loads(p.stdout)


class ImportListCheckTest(WarninglistTestCase):
    def test_written_lists_are_imported_listed_and_checked(self):
        self.node()
        self.assertEqual(self.listed(), [])
        p = self.ok("warninglists", "import", WRITTEN)
        self.assertIn("imported 2 warninglists", p.stdout.decode())
        lists = {l["name"]: l for l in self.listed()}
        self.assertEqual(sorted(lists), ["Test benign names", "Test documentation blocks"])
        self.assertEqual(lists["Test documentation blocks"]["type"], "cidr")
        self.assertEqual(lists["Test documentation blocks"]["entries"], 2)
        self.assertEqual(lists["Test documentation blocks"]["kinds"], ["ip"])
        self.assertEqual(lists["Test benign names"]["kinds"], ["domain", "url"])
        self.assertTrue(os.path.isfile(os.path.join(
            self.data_dir, "warninglists", "test-documentation-blocks.json")))
        text = self.ok("warninglists", "list").stdout.decode()
        self.assertIn("Test benign names: hostname, 2 entries, kinds domain,url", text)

        p = self.ok("warninglists", "check", "198.51.100.200", "www.cdn.example")
        self.assertIn("198.51.100.200: Test documentation blocks", p.stdout.decode())
        self.assertIn("www.cdn.example: Test benign names", p.stdout.decode())
        p = self.kongsi("warninglists", "check", "203.0.113.5", "evil.example")
        self.assertEqual(p.returncode, 1, p.stderr.decode())
        self.assertIn("203.0.113.5: on no warninglist", p.stdout.decode())
        # Importing again replaces the lists, it does not add copies.
        self.ok("warninglists", "import", WRITTEN)
        self.assertEqual(len(self.listed()), 2)

    @unittest.skipUnless(os.path.isdir(REAL_LISTS),
                         "published MISP warninglists absent (%s): needs ../shared/data"
                         % REAL_LISTS)
    def test_published_lists_are_imported_and_name_known_values(self):
        self.node()
        self.ok("warninglists", "import", REAL_LISTS, WRITTEN)
        self.assertEqual(len(self.listed()), 42)
        p = self.ok("warninglists", "check", "8.8.8.8", "10.1.2.3",
                    "d41d8cd98f00b204e9800998ecf8427e")
        out = p.stdout.decode()
        self.assertIn("List of known IPv4 public DNS resolvers", out)
        self.assertIn("List of RFC 1918 CIDR blocks", out)
        self.assertIn("List of known hashes for empty files", out)
        p = self.kongsi("warninglists", "check", "9b2e4f0c9d1a7e3b5f6a8c0d2e4f6a8b")
        self.assertEqual(p.returncode, 1, p.stdout.decode())

    def test_an_invalid_list_exits_2_naming_file_and_pointer_and_imports_nothing(self):
        self.node()
        p = self.kongsi("warninglists", "import", WRITTEN, INVALID)
        self.assertEqual(p.returncode, 2)
        err = p.stderr.decode()
        self.assertIn("invalid/list.json: /list/1: not a string", err)
        self.assertIn("nothing imported", err)
        self.assertEqual(self.listed(), [])
        self.assertFalse(os.path.exists(os.path.join(self.data_dir, "warninglists")))

    def test_broken_json_is_named_with_line_and_column(self):
        self.node()
        path = self.write("broken.json", '{\n  "name": "x",\n  "list": [\n    "a",\n  ]\n}\n')
        p = self.kongsi("warninglists", "import", path)
        self.assertEqual(p.returncode, 2)
        self.assertIn("broken.json: line 5, column", p.stderr.decode())


class IngestAndMatchTest(WarninglistTestCase):
    def setUp(self):
        super().setUp()
        self.node()
        self.ok("warninglists", "import", WRITTEN)
        self.indicators = self.write("indicators.json", json.dumps(bundle(INDICATORS)))
        self.log = self.write("eve.json", "".join(json.dumps(e) + "\n" for e in EVE))

    def test_ingest_warns_about_listed_values_and_still_stores_them(self):
        p = self.ok("--verbose", "ingest", self.indicators)
        out = p.stdout.decode()
        self.assertIn("[warninglist]", out)
        self.assertIn("198.51.100.1 is on the warninglist 'Test documentation blocks'", out)
        self.assertIn("/pattern", out)
        self.assertIn("www.benign.example is on the warninglist 'Test benign names'", out)
        self.assertNotIn("203.0.113.5 is on", out)
        self.assertIn("accepted 4", out)
        # Stored all the same.
        p = self.ok("lookup", "198.51.100.1")
        self.assertIn(INDICATORS[0]["id"], p.stdout.decode())

    def test_ingest_json_report_counts_and_lists_the_warnings(self):
        p = self.ok("--verbose", "ingest", "--json", self.indicators)
        report = json.loads(p.stdout)
        self.assertEqual(report["accepted"], 4)
        self.assertEqual(report["rejected"], 0)
        flagged = [f for f in report["problems"] if f["rule"] == "warninglist"]
        self.assertEqual(sorted(f["object"] for f in flagged),
                         sorted([INDICATORS[0]["id"], INDICATORS[2]["id"]]))
        self.assertTrue(all(f["severity"] == "warning" for f in flagged))

    def test_match_suppresses_listed_values_and_counts_them(self):
        self.ok("ingest", self.indicators)
        p = self.ok("match", self.log)
        hits = [json.loads(line) for line in p.stdout.decode().splitlines()]
        self.assertEqual(sorted(h["value"] for h in hits), ["203.0.113.5", "evil.example"])
        self.assertIn("2 values suppressed by warninglists (Test benign names: 1, "
                      "Test documentation blocks: 1)", p.stderr.decode())

        p = self.ok("match", "--no-warninglists", self.log)
        hits = [json.loads(line) for line in p.stdout.decode().splitlines()]
        self.assertEqual(sorted(h["value"] for h in hits),
                         ["198.51.100.1", "203.0.113.5", "evil.example", "www.benign.example"])
        self.assertNotIn("suppressed", p.stderr.decode())

    def test_match_with_indicator_files_and_lists_given_on_the_command_line(self):
        other = os.path.join(self.tmp, "no-node")
        p = self.kongsi("match", "--indicators", self.indicators, "--warninglists",
                        os.path.join(WRITTEN, "documentation-blocks"), self.log,
                        data_dir=other)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        hits = [json.loads(line) for line in p.stdout.decode().splitlines()]
        self.assertEqual(sorted(h["value"] for h in hits),
                         ["203.0.113.5", "evil.example", "www.benign.example"])
        self.assertIn("1 values suppressed by warninglists (Test documentation blocks: 1)",
                      p.stderr.decode())

    def test_match_refuses_an_invalid_list_given_on_the_command_line(self):
        p = self.kongsi("match", "--warninglists", INVALID, self.log)
        self.assertEqual(p.returncode, 2)
        self.assertIn("/list/1: not a string", p.stderr.decode())


if __name__ == "__main__":
    unittest.main()
