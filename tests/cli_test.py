#!/usr/bin/env python3
"""End-to-end tests of the `kongsi` command line: init, validate, ingest, collections, export
and stats, run as a user would run them, each test in its own temporary data directory.

Environment: KONGSI_BIN (the binary, set by CTest), KONGSI_SOURCE_DIR (the repository).
Fixtures: tests/data/ (small hand-written STIX files).
Run: KONGSI_BIN=build/release/kongsi python3 tests/cli_test.py -v
"""

import csv
import gzip
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import unittest
import uuid
from datetime import datetime, timedelta, timezone

from node_case import KONGSI_BIN, NodeTestCase, clean_env

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
TIMEOUT = 120  # seconds, for any single kongsi command

# Well-known TLP marking definitions.
TLP2_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
TLP1_WHITE = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def rfc3339_micros(text):
    """Microseconds since the epoch of an RFC 3339 UTC timestamp ("...Z")."""
    t = datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
    return int(t.timestamp()) * 1000000 + t.microsecond


def fixture(*parts):
    return os.path.join(DATA, *parts)


def load_objects(path):
    """The objects of a fixture: a bundle's objects, a single object, or JSON lines."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if isinstance(doc, list):
        return doc
    if doc.get("type") == "bundle":
        return doc.get("objects", [])
    return [doc]


def ids_of(path):
    return {o["id"] for o in load_objects(path)}


def indicator(n, modified="2024-05-01T08:00:00.000Z", **extra):
    """A valid STIX 2.1 indicator with a deterministic id derived from n."""
    o = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--" + str(uuid.UUID(int=(0x1234 << 96) | n, version=4)),
        "created": "2024-05-01T08:00:00.000Z",
        "modified": modified,
        "pattern": "[ipv4-addr:value = '10.%d.%d.%d']" % ((n >> 16) & 255, (n >> 8) & 255, n & 255),
        "pattern_type": "stix",
        "valid_from": "2024-05-01T08:00:00.000Z",
    }
    o.update(extra)
    return o


def bundle(objects):
    return {"type": "bundle", "id": "bundle--" + str(uuid.uuid4()), "objects": objects}


def write_json(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)


def write_jsonl(path, objects):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for o in objects:
            f.write(json.dumps(o, separators=(",", ":")) + "\n")


class KongsiTestCase(NodeTestCase):
    """Runs kongsi in a fresh temporary data directory (removed afterwards)."""

    def env(self, **extra):
        return clean_env(**extra)

    def kongsi(self, *args, data_dir=None, stdin=None, env=None, cwd=None, timeout=TIMEOUT,
               global_args=()):
        """Runs `kongsi [--data-dir DIR] GLOBAL... ARGS...`; returns the CompletedProcess."""
        cmd = [KONGSI_BIN]
        if data_dir is not False:
            cmd += ["--data-dir", data_dir or self.data_dir]
        cmd += list(global_args) + [str(a) for a in args]
        return subprocess.run(
            cmd, input=stdin, capture_output=True, timeout=timeout,
            env=env if env is not None else self.env(), cwd=cwd or self.tmp)

    def ok(self, *args, **kwargs):
        """Runs kongsi and asserts exit 0; returns stdout as text."""
        p = self.kongsi(*args, **kwargs)
        self.assertEqual(p.returncode, 0, self.describe(args, p))
        return p.stdout.decode()

    @staticmethod
    def describe(args, p):
        return "kongsi %s -> exit %d\nstdout: %s\nstderr: %s" % (
            " ".join(str(a) for a in args), p.returncode, p.stdout.decode(errors="replace")[:3000],
            p.stderr.decode(errors="replace")[:3000])

    def init(self, name="e2e node"):
        self.ok("init", "--name", name)

    def ingest(self, *inputs, expect=0, extra=(), stdin=None):
        """Runs `ingest --json INPUTS EXTRA`, asserts the exit code, returns the report."""
        args = ("ingest", "--json") + tuple(inputs) + tuple(extra)
        p = self.kongsi(*args, stdin=stdin)
        self.assertEqual(p.returncode, expect, self.describe(args, p))
        try:
            return json.loads(p.stdout)
        except json.JSONDecodeError as e:
            self.fail("ingest --json printed no JSON (%s): %s" % (e, self.describe(args, p)))

    def export(self, *args, fmt="jsonl"):
        """Runs export with --format FMT and returns the list of exported objects."""
        out = self.ok("export", "--format", fmt, *args)
        if fmt == "jsonl":
            return [json.loads(line) for line in out.splitlines() if line.strip()]
        doc = json.loads(out)
        self.assertEqual(doc["type"], "bundle")
        return doc["objects"]

    def export_ids(self, *args):
        objects = self.export(*args)
        ids = [o["id"] for o in objects]
        return ids

    def stats(self):
        return json.loads(self.ok("stats", "--json"))

    def node_identity(self):
        ids = [o["id"] for o in self.export("--type", "identity")]
        self.assertEqual(len(ids), 1, "expected only the node identity: %s" % ids)
        return ids[0]

    def db(self):
        """A read-only connection to the node's store."""
        path = os.path.join(self.data_dir, "store.db")
        conn = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)
        self.addCleanup(conn.close)
        return conn

    def assert_problem(self, problems, **want):
        for p in problems:
            if all(p.get(k) == v for k, v in want.items()):
                return p
        self.fail("no problem with %s in %s" % (want, json.dumps(problems, indent=1)))


# --------------------------------------------------------------------------------------------
class InitTest(KongsiTestCase):

    def test_init_creates_store_key_and_identity(self):
        p = self.kongsi("init", "--name", "CERT Example")
        self.assertEqual(p.returncode, 0, self.describe(["init"], p))
        self.assertTrue(os.path.isfile(os.path.join(self.data_dir, "store.db")))
        key = os.path.join(self.data_dir, "node.key")
        self.assertTrue(os.path.isfile(key))
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600, "node.key must be private")
        self.assertEqual(os.path.getsize(key), 64, "an Ed25519 secret key is 64 bytes")
        self.assertIn("identity--", p.stdout.decode())
        stats = self.stats()
        self.assertEqual(stats["node"], "CERT Example")
        self.assertEqual(stats["objects"], 1)
        self.assertEqual(stats["by_type"]["identity"]["objects"], 1)
        identities = self.export("--type", "identity")
        self.assertEqual(len(identities), 1)
        self.assertEqual(identities[0]["name"], "CERT Example")
        self.assertEqual(identities[0]["spec_version"], "2.1")
        self.assertIn(identities[0]["id"], p.stdout.decode())

    def test_init_twice_fails_and_keeps_the_node(self):
        self.init("first")
        key = os.path.join(self.data_dir, "node.key")
        with open(key, "rb") as f:
            key_before = f.read()
        identity = self.node_identity()
        p = self.kongsi("init", "--name", "second")
        self.assertEqual(p.returncode, 2, self.describe(["init"], p))
        self.assertIn("already", p.stderr.decode())
        with open(key, "rb") as f:
            self.assertEqual(f.read(), key_before, "a second init must not replace the key")
        self.assertEqual(self.node_identity(), identity)
        self.assertEqual(self.stats()["node"], "first")

    def test_data_dir_from_environment_and_default(self):
        env_dir = os.path.join(self.tmp, "from-env")
        env = self.env(KONGSI_DATA_DIR=env_dir)
        self.ok("init", "--name", "env node", data_dir=False, env=env)
        self.assertTrue(os.path.isfile(os.path.join(env_dir, "store.db")))
        self.assertEqual(json.loads(self.ok("stats", "--json", data_dir=False, env=env))["node"],
                         "env node")
        # No --data-dir, no $KONGSI_DATA_DIR: ./kongsi-data
        cwd = os.path.join(self.tmp, "cwd")
        os.makedirs(cwd)
        self.ok("init", "--name", "cwd node", data_dir=False, cwd=cwd)
        self.assertTrue(os.path.isfile(os.path.join(cwd, "kongsi-data", "store.db")))
        self.assertEqual(
            json.loads(self.ok("stats", "--json", data_dir=False, cwd=cwd))["node"], "cwd node")

    def test_commands_on_uninitialised_data_dir_fail_with_hint(self):
        commands = [
            ("ingest", fixture("bundle-valid.json")),
            ("export",),
            ("export", "--format", "jsonl"),
            ("stats",),
            ("stats", "--json"),
            ("collections", "list"),
            ("collections", "create", "a title"),
        ]
        for args in commands:
            with self.subTest(args=args):
                p = self.kongsi(*args)
                self.assertEqual(p.returncode, 2, self.describe(args, p))
                self.assertIn("kongsi init", p.stderr.decode(), self.describe(args, p))
                self.assertFalse(os.path.exists(os.path.join(self.data_dir, "store.db")),
                                 "%s must not create a store" % (args,))


# --------------------------------------------------------------------------------------------
class ValidateTest(KongsiTestCase):

    def validate_json(self, *inputs, expect):
        args = ("validate", "--json") + inputs
        p = self.kongsi(*args, data_dir=False)
        self.assertEqual(p.returncode, expect, self.describe(args, p))
        return json.loads(p.stdout)

    def test_valid_bundle(self):
        p = self.kongsi("validate", fixture("bundle-valid.json"), data_dir=False)
        self.assertEqual(p.returncode, 0, self.describe(["validate"], p))
        self.assertIn("valid", p.stdout.decode())
        report = self.validate_json(fixture("bundle-valid.json"), expect=0)
        self.assertTrue(report["valid"])
        [f] = report["files"]
        self.assertTrue(f["valid"])
        self.assertEqual(f["objects"], 7)
        self.assertEqual(f["errors"], 0)
        self.assertEqual([x for x in f["findings"] if x["severity"] == "error"], [])

    def test_validate_needs_no_node(self):
        # validate works anywhere: no data directory is read or created.
        p = self.kongsi("validate", fixture("bundle-valid.json"))
        self.assertEqual(p.returncode, 0, self.describe(["validate"], p))
        self.assertFalse(os.path.exists(self.data_dir))

    def test_stix20_bundle_is_valid_after_upgrade(self):
        report = self.validate_json(fixture("stix20-bundle.json"), expect=0)
        [f] = report["files"]
        self.assertEqual(f["objects"], 4)
        self.assertEqual(f["upgraded_from_2_0"], 4)
        self.assertEqual(f["errors"], 0)

    def test_invalid_object_is_reported_with_rule_pointer_and_object(self):
        report = self.validate_json(fixture("bundle-one-invalid.json"), expect=1)
        self.assertFalse(report["valid"])
        [f] = report["files"]
        self.assertFalse(f["valid"])
        self.assertEqual(f["objects"], 4)
        self.assertGreaterEqual(f["errors"], 1)
        bad = "indicator--3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e08"
        self.assert_problem(f["findings"], severity="error", rule="timestamp-order",
                            pointer="/objects/2/valid_until", object=bad)
        errors = [x for x in f["findings"] if x["severity"] == "error"]
        self.assertEqual({x["object"] for x in errors}, {bad},
                         "only the invalid object has errors: %s" % errors)
        # Human-readable output names the object and the rule, and says INVALID.
        p = self.kongsi("validate", fixture("bundle-one-invalid.json"), data_dir=False)
        self.assertEqual(p.returncode, 1)
        out = p.stdout.decode()
        self.assertIn(bad, out)
        self.assertIn("timestamp-order", out)
        self.assertIn("/objects/2/valid_until", out)
        self.assertIn("INVALID", out)

    def test_missing_required_property(self):
        report = self.validate_json(fixture("indicator-missing-pattern.json"), expect=1)
        [f] = report["files"]
        self.assert_problem(f["findings"], severity="error", rule="required-property",
                            pointer="/pattern",
                            object="indicator--8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d13")

    def test_json_lines_with_a_bad_line(self):
        report = self.validate_json(fixture("lines-bad-line.jsonl"), expect=1)
        [f] = report["files"]
        self.assertEqual(f["objects"], 4)
        p = self.assert_problem(f["findings"], severity="error", line=3)
        self.assertEqual(p["rule"], "json-syntax")

    def test_unusable_inputs_exit_2(self):
        for name in ["not-json.txt", "not-stix-number.json"]:
            with self.subTest(name=name):
                report = self.validate_json(fixture(name), expect=2)
                self.assertFalse(report["valid"])
                [f] = report["files"]
                self.assertFalse(f["valid"])
                self.assertTrue(f.get("unusable"), "an unusable file says why: %s" % f)
                p = self.kongsi("validate", fixture(name), data_dir=False)
                self.assertEqual(p.returncode, 2)
                self.assertIn("unusable", p.stdout.decode())

    def test_missing_file_exit_2(self):
        missing = os.path.join(self.tmp, "no-such-file.json")
        p = self.kongsi("validate", missing, data_dir=False)
        self.assertEqual(p.returncode, 2, self.describe(["validate", missing], p))
        self.assertIn("no-such-file.json", p.stderr.decode() + p.stdout.decode())
        p = self.kongsi("validate", fixture("bundle-valid.json"), missing, data_dir=False)
        self.assertEqual(p.returncode, 2, self.describe(["validate", "valid", missing], p))

    def test_truncated_document_is_unusable_with_line_and_column(self):
        path = os.path.join(self.tmp, "truncated.json")
        with open(fixture("bundle-valid.json"), encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text[:500])
        expected_line = text[:500].count("\n") + 1
        report = self.validate_json(path, expect=2)
        why = report["files"][0].get("unusable", "")
        self.assertIn("line %d" % expected_line, why)
        self.assertIn("column", why)

    def test_object_without_type_is_not_stix(self):
        # src/stix/reader.h: input "that is not STIX at all (e.g. a number, or an object with
        # no "type")" is an error of the whole input, i.e. unusable.
        report = self.validate_json(fixture("not-stix-object.json"), expect=2)
        self.assertTrue(report["files"][0].get("unusable"))

    def test_worst_result_decides_exit_code(self):
        report = self.validate_json(fixture("bundle-valid.json"),
                                    fixture("bundle-one-invalid.json"), expect=1)
        self.assertEqual([f["valid"] for f in report["files"]], [True, False])
        report = self.validate_json(fixture("bundle-valid.json"), fixture("not-json.txt"),
                                    fixture("bundle-one-invalid.json"), expect=2)
        self.assertEqual([f["valid"] for f in report["files"]], [True, False, False])

    def test_folder_gzip_and_stdin(self):
        folder = os.path.join(self.tmp, "in")
        shutil.copy(fixture("bundle-valid.json"), os.path.join(self.tmp, "x.json"))
        write_json(os.path.join(folder, "a.json"), bundle([indicator(1)]))
        write_jsonl(os.path.join(folder, "sub", "deep", "b.jsonl"), [indicator(2), indicator(3)])
        with gzip.open(os.path.join(folder, "sub", "c.json"), "wt") as f:  # gzip content
            json.dump(bundle([indicator(4)]), f)
        with open(os.path.join(folder, "README.md"), "w") as f:
            f.write("not STIX, not read\n")
        report = self.validate_json(folder, expect=0)
        self.assertEqual(len(report["files"]), 3, report)
        self.assertEqual(sum(f["objects"] for f in report["files"]), 4)
        with open(fixture("bundle-one-invalid.json"), "rb") as f:
            p = self.kongsi("validate", "--json", "-", data_dir=False, stdin=f.read())
        self.assertEqual(p.returncode, 1, self.describe(["validate", "-"], p))
        self.assertEqual(json.loads(p.stdout)["files"][0]["objects"], 4)


# --------------------------------------------------------------------------------------------
class IngestTest(KongsiTestCase):

    def setUp(self):
        super().setUp()
        self.init()
        self.node = self.node_identity()

    def test_ingest_bundle_then_again_unchanged(self):
        expected = ids_of(fixture("bundle-valid.json"))
        r = self.ingest(fixture("bundle-valid.json"))
        self.assertEqual((r["accepted"], r["unchanged"], r["conflicts"], r["rejected"]),
                         (7, 0, 0, 0), r)
        self.assertEqual(r["objects"], 7)
        ids = self.export_ids()
        self.assertEqual(len(ids), len(set(ids)), "no id exported twice")
        self.assertEqual(set(ids), expected | {self.node})
        r = self.ingest(fixture("bundle-valid.json"))
        self.assertEqual((r["accepted"], r["unchanged"], r["conflicts"], r["rejected"]),
                         (0, 7, 0, 0), r)
        stats = self.stats()
        self.assertEqual((stats["objects"], stats["versions"]), (8, 8))

    def test_objects_are_stored_as_received(self):
        self.ingest(fixture("bundle-valid.json"))
        want = {o["id"]: o for o in load_objects(fixture("bundle-valid.json"))}
        got = {o["id"]: o for o in self.export(fmt="bundle")}
        del got[self.node]
        self.assertEqual(got, want)

    def test_human_summary(self):
        p = self.kongsi("ingest", fixture("bundle-valid.json"))
        self.assertEqual(p.returncode, 0, self.describe(["ingest"], p))
        out = p.stdout.decode()
        self.assertIn("accepted 7", out)
        self.assertIn("rejected 0", out)
        p = self.kongsi("-q", "ingest", fixture("bundle-valid.json"))
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stdout.decode().strip(), "", "-q prints only errors")

    def test_origin_records_the_organisation_the_input_came_from(self):
        p = self.kongsi("ingest", "--help")
        self.assertIn("--origin", p.stdout.decode(), self.describe(("ingest", "--help"), p))
        partner = [indicator(n) for n in range(1, 4)]
        path = os.path.join(self.tmp, "partner.json")
        write_json(path, bundle(partner))
        self.ingest(path, extra=("--origin", "Partner Bank, Ltd"))
        own = os.path.join(self.tmp, "own.json")
        write_json(own, bundle([indicator(10)]))
        self.ingest(own)
        origins = dict(self.db().execute("SELECT id, origin_org FROM objects").fetchall())
        for o in partner:
            self.assertEqual(origins[o["id"]], "Partner Bank, Ltd")
        self.assertEqual(origins[indicator(10)["id"]], "", "no --origin: the node's own")
        self.assertEqual(origins[self.node], "")
        # The same versions again from someone else keep the origin they were stored with.
        r = self.ingest(path, extra=("--origin", "someone else"))
        self.assertEqual(r["unchanged"], 3, r)
        origins = dict(self.db().execute("SELECT id, origin_org FROM objects").fetchall())
        self.assertEqual({origins[o["id"]] for o in partner}, {"Partner Bank, Ltd"})

    def test_valid_objects_of_a_bundle_with_one_invalid_object_are_stored(self):
        bad = "indicator--3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e08"
        r = self.ingest(fixture("bundle-one-invalid.json"), expect=1)
        self.assertEqual((r["accepted"], r["rejected"], r["conflicts"]), (3, 1, 0), r)
        self.assertFalse(r["atomic_rolled_back"])
        self.assert_problem(r["problems"], severity="error", object=bad, rule="timestamp-order",
                            pointer="/objects/2/valid_until")
        ids = self.export_ids()
        self.assertEqual(set(ids), ids_of(fixture("bundle-one-invalid.json")) - {bad} | {self.node})
        # The human-readable run names the rejected object and why.
        p = self.kongsi("ingest", fixture("bundle-one-invalid.json"))
        self.assertEqual(p.returncode, 1)
        self.assertIn(bad, p.stdout.decode())
        self.assertIn("timestamp-order", p.stdout.decode())

    def test_atomic_stores_nothing_when_one_object_is_invalid(self):
        r = self.ingest(fixture("bundle-one-invalid.json"), expect=1, extra=["--atomic"])
        self.assertEqual(r["rejected"], 1, r)
        self.assertEqual(r["accepted"], 0, r)
        self.assertTrue(r["atomic_rolled_back"], r)
        self.assertEqual(self.export_ids(), [self.node])
        # Across inputs too: a valid file and an invalid one, nothing stored.
        r = self.ingest(fixture("bundle-valid.json"), fixture("bundle-one-invalid.json"),
                        expect=1, extra=["--atomic"])
        self.assertEqual(r["accepted"], 0, r)
        self.assertTrue(r["atomic_rolled_back"], r)
        p = self.kongsi("ingest", "--atomic", fixture("bundle-valid.json"),
                        fixture("bundle-one-invalid.json"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("nothing was stored", p.stdout.decode())
        self.assertEqual(self.export_ids(), [self.node])
        self.assertEqual(self.stats()["objects"], 1)

    def test_atomic_with_valid_input_stores_everything(self):
        r = self.ingest(fixture("bundle-valid.json"), fixture("stix20-bundle.json"),
                        extra=["--atomic"])
        self.assertEqual((r["accepted"], r["rejected"]), (11, 0), r)
        self.assertFalse(r["atomic_rolled_back"])
        self.assertEqual(set(self.export_ids()),
                         ids_of(fixture("bundle-valid.json")) |
                         ids_of(fixture("stix20-bundle.json")) | {self.node})

    def test_conflict_keeps_the_stored_version(self):
        vid = "indicator--5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e19"
        self.ingest(fixture("versions", "indicator-v1.json"))
        r = self.ingest(fixture("versions", "indicator-v1-conflict.json"), expect=1)
        self.assertEqual((r["accepted"], r["unchanged"], r["conflicts"], r["rejected"]),
                         (0, 0, 1, 0), r)
        self.assert_problem(r["problems"], object=vid, rule="version-conflict")
        [stored] = self.export("--id", vid, "--versions", "all")
        self.assertEqual(stored["name"], "version one")
        self.assertEqual(self.stats()["versions"], 2)  # v1 and the node identity

    def test_same_version_reformatted_is_unchanged(self):
        self.ingest(fixture("versions", "indicator-v1.json"))
        r = self.ingest(fixture("versions", "indicator-v1-reformatted.json"))
        self.assertEqual((r["accepted"], r["unchanged"], r["conflicts"]), (0, 1, 0), r)

    def test_versions_first_last_all(self):
        vid = "indicator--5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e19"
        # Ingested out of order: v2, v1, v3.
        for v in ["indicator-v2.json", "indicator-v1.json", "indicator-v3.json"]:
            r = self.ingest(fixture("versions", v))
            self.assertEqual(r["accepted"], 1, r)
        all_versions = self.export("--id", vid, "--versions", "all")
        self.assertEqual(sorted(o["modified"] for o in all_versions),
                         ["2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z",
                          "2024-03-01T00:00:00.000Z"])
        self.assertEqual({o["id"] for o in all_versions}, {vid})
        [first] = self.export("--id", vid, "--versions", "first")
        self.assertEqual(first["name"], "version one")
        [last] = self.export("--id", vid, "--versions", "last")
        self.assertEqual(last["name"], "version three")
        [default] = self.export("--id", vid)
        self.assertEqual(default["name"], "version three")
        stats = self.stats()
        self.assertEqual(stats["by_type"]["indicator"], {"objects": 1, "versions": 3})

    def test_folder_is_read_recursively(self):
        root = os.path.join(self.tmp, "feed")
        objects = [indicator(n) for n in range(1, 11)]
        write_json(os.path.join(root, "a.json"), bundle(objects[0:3]))
        write_jsonl(os.path.join(root, "sub", "b.jsonl"), objects[3:6])
        write_jsonl(os.path.join(root, "sub", "b2.ndjson"), objects[6:7])
        os.makedirs(os.path.join(root, "sub", "deeper"))
        with gzip.open(os.path.join(root, "sub", "deeper", "c.json.gz"), "wt") as f:
            json.dump(bundle(objects[7:9]), f)
        write_json(os.path.join(root, "sub", "deeper", "d.stix"), objects[9])
        # Not read: hidden files and folders, files not named like STIX input.
        write_json(os.path.join(root, ".hidden", "x.json"), bundle([indicator(100)]))
        write_json(os.path.join(root, ".y.json"), bundle([indicator(101)]))
        with open(os.path.join(root, "README.md"), "w") as f:
            f.write("# feed\nnot JSON\n")
        with open(os.path.join(root, "sub", "SHA256SUMS"), "w") as f:
            f.write("abc  a.json\n")
        r = self.ingest(root)
        self.assertEqual((r["accepted"], r["rejected"], r["objects"]), (10, 0, 10), r)
        self.assertEqual(set(self.export_ids("--type", "indicator")), {o["id"] for o in objects})

    def test_gzip_is_detected_by_content(self):
        objects = [indicator(n) for n in range(1, 6)]
        plain_name = os.path.join(self.tmp, "feed.json")  # gzip content, .json name
        with gzip.open(plain_name, "wt") as f:
            json.dump(bundle(objects[:3]), f)
        gz_lines = os.path.join(self.tmp, "lines.jsonl.gz")
        with gzip.open(gz_lines, "wt") as f:
            for o in objects[3:]:
                f.write(json.dumps(o) + "\n")
        r = self.ingest(plain_name, gz_lines)
        self.assertEqual((r["accepted"], r["rejected"]), (5, 0), r)
        self.assertEqual(set(self.export_ids("--type", "indicator")), {o["id"] for o in objects})

    def test_truncated_gzip_is_rejected(self):
        path = os.path.join(self.tmp, "broken.json.gz")
        data = gzip.compress(json.dumps(bundle([indicator(n) for n in range(50)])).encode())
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
        args = ("ingest", "--json", path)
        p = self.kongsi(*args)
        self.assertIn(p.returncode, (1, 2), self.describe(args, p))
        self.assertEqual(self.export_ids(), [self.node], "nothing of a corrupt input is stored")

    def test_stdin(self):
        with open(fixture("bundle-valid.json"), "rb") as f:
            r = self.ingest("-", stdin=f.read())
        self.assertEqual((r["accepted"], r["rejected"]), (7, 0), r)
        lines = "".join(json.dumps(indicator(n)) + "\n" for n in range(3)).encode()
        r = self.ingest("-", stdin=lines)
        self.assertEqual((r["accepted"], r["rejected"]), (3, 0), r)
        gz = gzip.compress(json.dumps(bundle([indicator(10)])).encode())
        r = self.ingest("-", stdin=gz)
        self.assertEqual((r["accepted"], r["rejected"]), (1, 0), r)

    def test_json_lines_with_a_bad_line(self):
        path = fixture("lines-bad-line.jsonl")
        r = self.ingest(path, expect=1)
        self.assertEqual((r["accepted"], r["rejected"]), (4, 1), r)
        p = self.assert_problem(r["problems"], severity="error", line=3)
        self.assertEqual(p["rule"], "json-syntax")
        with open(path) as f:
            lines = f.read().splitlines()
        good = {json.loads(lines[i])["id"] for i in (0, 1, 3, 4)}
        self.assertEqual(set(self.export_ids("--type", "indicator")), good)
        # Human-readable: the line number is shown with the file name.
        p = self.kongsi("ingest", path)
        self.assertEqual(p.returncode, 1)
        self.assertIn("lines-bad-line.jsonl:3", p.stdout.decode())

    def test_stix20_bundle_is_upgraded(self):
        r = self.ingest(fixture("stix20-bundle.json"))
        self.assertEqual((r["accepted"], r["upgraded_from_2_0"], r["rejected"]), (4, 4, 0), r)
        objects = {o["id"]: o for o in self.export()}
        expected = ids_of(fixture("stix20-bundle.json"))
        self.assertEqual(set(objects), expected | {self.node})
        for oid in expected:
            self.assertEqual(objects[oid]["spec_version"], "2.1", objects[oid])
        ind = objects["indicator--0d1e2f3a-4b5c-4d6e-9f7a-8b9c0d1e2f15"]
        self.assertEqual(ind["indicator_types"], ["malicious-activity"])
        self.assertEqual(ind["pattern_type"], "stix")
        self.assertNotIn("labels", ind)
        mal = objects["malware--1e2f3a4b-5c6d-4e7f-8a8b-9c0d1e2f3a16"]
        self.assertIs(mal["is_family"], True)
        self.assertEqual(mal["malware_types"], ["worm"])
        rows = self.db().execute("SELECT DISTINCT spec_version FROM objects").fetchall()
        self.assertEqual(rows, [("2.1",)])

    def test_unreadable_input_does_not_stop_the_others(self):
        r = self.ingest(fixture("not-json.txt"), fixture("bundle-valid.json"), expect=1)
        self.assertEqual(r["accepted"], 7, r)
        self.assertGreaterEqual(r["rejected"], 1, r)
        self.assertTrue(any("not-json.txt" in (p.get("object", "") + p.get("message", ""))
                            for p in r["problems"]), r["problems"])

    def test_truncated_bundle_stores_nothing(self):
        path = os.path.join(self.tmp, "truncated.json")
        with open(fixture("bundle-valid.json"), encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text[: len(text) * 3 // 4])
        r = self.ingest(path, expect=1)
        self.assertEqual((r["accepted"], r["rejected"]), (0, 1), r)
        p = self.assert_problem(r["problems"], severity="error", object=path)
        self.assertIn("line", p["message"])
        self.assertEqual(self.export_ids(), [self.node], "nothing of a broken bundle is stored")

    def test_json_array_of_objects(self):
        objects = [indicator(n) for n in range(1, 4)]
        path = os.path.join(self.tmp, "array.json")
        write_json(path, objects)
        r = self.ingest(path)
        self.assertEqual((r["accepted"], r["rejected"]), (3, 0), r)
        self.assertEqual(set(self.export_ids("--type", "indicator")), {o["id"] for o in objects})

    def test_missing_input_exit_2(self):
        missing = os.path.join(self.tmp, "missing.json")
        p = self.kongsi("ingest", missing, fixture("bundle-valid.json"))
        self.assertEqual(p.returncode, 2, self.describe(["ingest", missing], p))
        self.assertIn("missing.json", p.stderr.decode())
        self.assertEqual(self.export_ids(), [self.node])

    def test_unknown_collection_exit_2(self):
        cid = str(uuid.uuid4())
        p = self.kongsi("ingest", "-c", cid, fixture("bundle-valid.json"))
        self.assertEqual(p.returncode, 2, self.describe(["ingest", "-c", cid], p))
        err = p.stderr.decode()
        self.assertIn(cid, err, "the message names the unknown collection")
        self.assertIn("collection", err.lower())
        self.assertEqual(self.export_ids(), [self.node], "nothing stored")

    def test_warnings_do_not_fail_ingest(self):
        o = indicator(7, x_internal_note="seen at the border")  # custom property: a warning
        path = os.path.join(self.tmp, "warn.json")
        write_json(path, o)
        r = self.ingest(path)
        self.assertEqual((r["accepted"], r["rejected"]), (1, 0), r)
        self.assertGreaterEqual(r["warnings"], 1, r)


# --------------------------------------------------------------------------------------------
class CollectionsTest(KongsiTestCase):

    def setUp(self):
        super().setUp()
        self.init()
        self.node = self.node_identity()

    def test_create_and_list(self):
        cid = str(uuid.uuid4())
        out = self.ok("collections", "create", "Partner feed", "--id", cid, "--alias", "partner",
                      "--description", "indicators from partner CERTs")
        self.assertEqual(out.strip(), cid)
        other = self.ok("collections", "create", "Second").strip()
        self.assertRegex(other, UUID_RE)
        listed = json.loads(self.ok("collections", "list", "--json"))
        by_id = {c["id"]: c for c in listed}
        self.assertEqual(set(by_id), {cid, other})
        self.assertEqual(by_id[cid]["title"], "Partner feed")
        self.assertEqual(by_id[cid]["alias"], "partner")
        self.assertEqual(by_id[cid]["description"], "indicators from partner CERTs")
        self.assertEqual(by_id[other]["title"], "Second")
        text = self.ok("collections", "list")
        self.assertIn(cid, text)
        self.assertIn("Partner feed", text)
        self.assertIn(other, text)

    def test_duplicate_id_fails(self):
        cid = str(uuid.uuid4())
        self.ok("collections", "create", "one", "--id", cid)
        p = self.kongsi("collections", "create", "two", "--id", cid)
        self.assertEqual(p.returncode, 2, self.describe(["collections", "create"], p))
        listed = json.loads(self.ok("collections", "list", "--json"))
        self.assertEqual([(c["id"], c["title"]) for c in listed], [(cid, "one")])

    def test_ingest_into_collections_and_export_them(self):
        c1 = self.ok("collections", "create", "one").strip()
        c2 = self.ok("collections", "create", "two").strip()
        self.ingest(fixture("bundle-valid.json"), extra=["-c", c1])
        self.ingest(fixture("stix20-bundle.json"), extra=["--collection", c2])
        a = self.export_ids("--collection", c1)
        b = self.export_ids("--collection", c2)
        self.assertEqual(len(a), len(set(a)))
        self.assertEqual(set(a), ids_of(fixture("bundle-valid.json")))
        self.assertEqual(set(b), ids_of(fixture("stix20-bundle.json")))
        stats = self.stats()
        self.assertEqual(stats["by_collection"][c1], {"objects": 7, "versions": 7})
        self.assertEqual(stats["by_collection"][c2], {"objects": 4, "versions": 4})
        self.assertEqual(stats["objects"], 12)

    def test_ingest_and_export_name_collections_by_alias(self):
        cid = self.ok("collections", "create", "Shared", "--alias", "shared").strip()
        self.ingest(fixture("bundle-valid.json"), extra=["-c", "shared"])
        self.assertEqual(set(self.export_ids("--collection", "shared")),
                         ids_of(fixture("bundle-valid.json")))
        self.assertEqual(self.export_ids("--collection", "shared"),
                         self.export_ids("--collection", cid))
        p = self.kongsi("ingest", "-c", "no-such-alias", fixture("bundle-valid.json"))
        self.assertEqual(p.returncode, 2, self.describe(["ingest", "-c", "no-such-alias"], p))
        self.assertIn("collection no-such-alias not found", p.stderr.decode())

    def test_already_stored_objects_join_a_collection(self):
        c1 = self.ok("collections", "create", "one").strip()
        self.ingest(fixture("bundle-valid.json"))
        self.assertEqual(self.export_ids("--collection", c1), [])
        r = self.ingest(fixture("bundle-valid.json"), extra=["-c", c1])
        self.assertEqual((r["accepted"], r["unchanged"]), (0, 7), r)
        self.assertEqual(set(self.export_ids("--collection", c1)),
                         ids_of(fixture("bundle-valid.json")))

    def test_invalid_collection_arguments_exit_2(self):
        for args in [("t", "--id", "not-a-uuid"), ("",)]:
            with self.subTest(args=args):
                p = self.kongsi("collections", "create", *args)
                self.assertEqual(p.returncode, 2, self.describe(("collections", "create") + args, p))
                self.assertTrue(p.stderr.decode().strip())
        self.assertEqual(json.loads(self.ok("collections", "list", "--json")), [])

    def test_since_counts_from_the_time_added_to_the_collection(self):
        c1 = self.ok("collections", "create", "one").strip()
        early = os.path.join(self.tmp, "early.json")
        write_json(early, bundle([indicator(1), indicator(2)]))
        late = os.path.join(self.tmp, "late.json")
        write_json(late, bundle([indicator(3)]))
        self.ingest(early)  # stored, in no collection
        time.sleep(0.05)
        since = datetime.now(timezone.utc)
        time.sleep(0.05)
        self.ingest(early, extra=["-c", c1])  # joins the collection now
        self.ingest(late, extra=["-c", c1])
        stamp = since.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        want = ids_of(early) | ids_of(late)
        self.assertEqual(set(self.export_ids("--collection", c1, "--since", stamp)), want)
        # Without --collection, --since counts from the first ingest into the node.
        self.assertEqual(set(self.export_ids("--since", stamp)), ids_of(late))

    def test_unknown_collection_export_exit_2(self):
        cid = str(uuid.uuid4())
        p = self.kongsi("export", "--collection", cid)
        self.assertEqual(p.returncode, 2, self.describe(["export", "--collection", cid], p))
        self.assertIn(cid, p.stderr.decode())
        self.assertEqual(p.stdout.decode().strip(), "", "no partial output")


# --------------------------------------------------------------------------------------------
class ExportTest(KongsiTestCase):

    def setUp(self):
        super().setUp()
        self.init()
        self.node = self.node_identity()
        self.ingest(fixture("bundle-valid.json"))
        self.all_ids = ids_of(fixture("bundle-valid.json")) | {self.node}

    def test_bundle_and_jsonl(self):
        out = self.ok("export")  # default: a bundle on stdout
        doc = json.loads(out)
        self.assertEqual(doc["type"], "bundle")
        self.assertRegex(doc["id"], r"^bundle--[0-9a-f-]{36}$")
        ids = [o["id"] for o in doc["objects"]]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(set(ids), self.all_ids)
        lines = self.ok("export", "--format", "jsonl").splitlines()
        self.assertEqual(len(lines), len(self.all_ids))
        self.assertEqual({json.loads(line)["id"] for line in lines}, self.all_ids)
        # The exported bundle is valid STIX and can be ingested elsewhere.
        path = os.path.join(self.tmp, "out.json")
        with open(path, "w") as f:
            f.write(out)
        p = self.kongsi("validate", path, data_dir=False)
        self.assertEqual(p.returncode, 0, self.describe(["validate", path], p))

    def test_output_file(self):
        path = os.path.join(self.tmp, "export.jsonl")
        p = self.kongsi("export", "--format", "jsonl", "-o", path)
        self.assertEqual(p.returncode, 0, self.describe(["export", "-o", path], p))
        self.assertEqual(p.stdout.decode(), "")
        with open(path) as f:
            self.assertEqual({json.loads(line)["id"] for line in f if line.strip()}, self.all_ids)
        bpath = os.path.join(self.tmp, "export.json")
        self.ok("export", "--output", bpath)
        with open(bpath) as f:
            self.assertEqual({o["id"] for o in json.load(f)["objects"]}, self.all_ids)

    def test_type_filter(self):
        objects = load_objects(fixture("bundle-valid.json"))
        want = {o["id"] for o in objects if o["type"] in ("indicator", "malware")}
        ids = self.export_ids("--type", "indicator", "--type", "malware")
        self.assertEqual(sorted(ids), sorted(want))
        ids = self.export_ids("--type", "identity")
        self.assertEqual(set(ids), {o["id"] for o in objects if o["type"] == "identity"} |
                         {self.node})

    def test_id_filter(self):
        want = ["indicator--5f2b9c3d-7e1a-4b6c-8d9e-0a1b2c3d4e02",
                "relationship--9c0d1e2f-3a4b-4c5d-9e6f-7a8b9c0d1e04"]
        self.assertEqual(sorted(self.export_ids("--id", want[0], "--id", want[1])), want)
        self.assertEqual(self.export_ids("--id", "indicator--" + str(uuid.uuid4())), [])
        # Filters combine.
        self.assertEqual(self.export_ids("--id", want[0], "--id", want[1], "--type", "indicator"),
                         want[:1])

    def test_since(self):
        time.sleep(0.05)
        since = datetime.now(timezone.utc)
        time.sleep(0.05)
        late = [indicator(n) for n in range(1, 4)]
        path = os.path.join(self.tmp, "late.json")
        write_json(path, bundle(late))
        self.ingest(path)
        stamp = since.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (since.microsecond // 1000)
        self.assertEqual(set(self.export_ids("--since", stamp)), {o["id"] for o in late})
        earlier = (since - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(set(self.export_ids("--since", earlier)),
                         self.all_ids | {o["id"] for o in late})
        later = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(self.export_ids("--since", later), [])

    def test_bad_arguments_exit_2(self):
        for args in [("--since", "yesterday"), ("--format", "xml"), ("--versions", "newest")]:
            with self.subTest(args=args):
                p = self.kongsi("export", *args)
                self.assertEqual(p.returncode, 2, self.describe(("export",) + args, p))

    def test_empty_result(self):
        doc = json.loads(self.ok("export", "--type", "grouping"))
        self.assertEqual(doc["type"], "bundle")
        self.assertEqual(doc["objects"], [])
        self.assertEqual(self.ok("export", "--type", "grouping", "--format", "jsonl").strip(), "")

    def audit_rows(self):
        """(principal, organisation, channel, object_id, version in micros, redacted) per
        disclosure, from `kongsi audit --format jsonl`."""
        rows = []
        for line in self.ok("audit", "--format", "jsonl").splitlines():
            r = json.loads(line)
            version = rfc3339_micros(r["version"]) if r["version"] else None
            rows.append((r["principal"], r["organisation"], r["channel"], r["object_id"],
                         version, 1 if r["redacted"] else 0))
        return rows

    def test_every_exported_object_is_audited(self):
        before = len(self.audit_rows())
        exported = self.export_ids()
        rows = self.audit_rows()[before:]
        self.assertEqual(len(rows), len(exported))
        self.assertEqual(sorted(r[3] for r in rows), sorted(exported))
        for principal, organisation, channel, _, _, redacted in rows:
            self.assertEqual(channel, "export")
            self.assertTrue(principal.startswith("operator:"), principal)
            self.assertEqual(organisation, self.node)
            self.assertEqual(redacted, 0)
        # A filtered export audits exactly what it wrote; an empty one audits nothing.
        before = len(self.audit_rows())
        self.export_ids("--type", "malware")
        rows = self.audit_rows()[before:]
        self.assertEqual([r[3] for r in rows], ["malware--7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c03"])
        before = len(self.audit_rows())
        self.export_ids("--type", "grouping")
        self.assertEqual(len(self.audit_rows()), before)

    def verified_events(self):
        p = self.kongsi("audit", "verify")
        self.assertEqual(p.returncode, 0, self.describe(("audit", "verify"), p))
        m = re.match(rb"audit log intact: (\d+) events", p.stdout)
        self.assertIsNotNone(m, p.stdout)
        return int(m.group(1))

    def test_audit_verify_detects_tampering(self):
        before = self.verified_events()
        self.export_ids()
        self.export_ids("--type", "malware")
        self.assertEqual(self.verified_events(), before + 2)  # one event per export batch
        # Someone with access to the file edits who received what.
        audit_db = os.path.join(self.data_dir, "store-audit.db")
        with sqlite3.connect(audit_db) as db:
            db.execute("UPDATE disclosures SET principal = 'nobody' WHERE seq = 1")
        p = self.kongsi("audit", "verify")
        self.assertEqual(p.returncode, 1, self.describe(("audit", "verify"), p))
        self.assertIn(b"TAMPERED: event 1", p.stdout)

    def test_every_exported_version_is_audited(self):
        for v in ["indicator-v1.json", "indicator-v2.json", "indicator-v3.json"]:
            self.ingest(fixture("versions", v))
        vid = "indicator--5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e19"
        before = len(self.audit_rows())
        self.assertEqual(len(self.export("--id", vid, "--versions", "all")), 3)
        rows = self.audit_rows()[before:]
        self.assertEqual(len(rows), 3)
        self.assertEqual({r[3] for r in rows}, {vid})
        self.assertEqual(len({r[4] for r in rows}), 3, "three distinct versions audited")
        versions = {r[0] for r in self.db().execute(
            "SELECT version FROM objects WHERE id = ?", (vid,)).fetchall()}
        self.assertEqual({r[4] for r in rows}, versions)


    def audit_jsonl(self, *args):
        """The records `kongsi audit --format jsonl ARGS` prints, as dicts."""
        out = self.ok("audit", "--format", "jsonl", *args)
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def export_as(self, user, *args):
        """Exports (jsonl) as local operator `user`; returns the exported ids."""
        out = self.ok("export", "--format", "jsonl", *args, env=self.env(USER=user))
        return [json.loads(line)["id"] for line in out.splitlines() if line.strip()]

    def test_audit_filters_by_principal_and_time(self):
        alice = self.export_as("alice")
        time.sleep(0.05)
        between = datetime.now(timezone.utc)
        time.sleep(0.05)
        bob = self.export_as("bob", "--type", "malware")
        self.assertEqual(len(bob), 1)
        stamp = between.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

        by_alice = self.audit_jsonl("--principal", "operator:alice")
        self.assertEqual(sorted(r["object_id"] for r in by_alice), sorted(alice))
        self.assertEqual({r["principal"] for r in by_alice}, {"operator:alice"})
        by_bob = self.audit_jsonl("--principal", "operator:bob")
        self.assertEqual([(r["principal"], r["object_id"]) for r in by_bob],
                         [("operator:bob", bob[0])])
        self.assertEqual(self.audit_jsonl("--principal", "operator:nobody"), [])

        # setUp exported too (the node identity, as whoever runs the tests): before `between`.
        everything = self.audit_jsonl()
        self.assertEqual(len(everything), len(by_alice) + len(by_bob) + 1)
        self.assertEqual(self.audit_jsonl("--since", stamp), by_bob)
        self.assertEqual(self.audit_jsonl("--until", stamp),
                         [r for r in everything if r["time"] < stamp])
        self.assertEqual(self.audit_jsonl("--since", stamp, "--principal", "operator:alice"), [])
        self.assertEqual(
            self.audit_jsonl("--until", stamp, "--principal", "operator:alice", "--object",
                             alice[0]),
            [r for r in by_alice if r["object_id"] == alice[0]])
        # Dates mean midnight UTC.
        today = datetime.now(timezone.utc).date()
        yesterday = (today - timedelta(days=1)).isoformat()
        tomorrow = (today + timedelta(days=1)).isoformat()
        self.assertEqual(self.audit_jsonl("--since", yesterday), everything)
        self.assertEqual(self.audit_jsonl("--since", yesterday, "--until", tomorrow), everything)
        self.assertEqual(self.audit_jsonl("--since", tomorrow), [])
        self.assertEqual(self.audit_jsonl("--until", "2000-01-01"), [])

    def test_audit_bad_time_is_a_usage_error(self):
        for args, message in [
                (("--since", "yesterday"), b"--since: \"yesterday\""),
                (("--until", "2024-13-01"), b"--until: \"2024-13-01\""),
                (("--since", "2024-05-01T25:00:00Z"), b"--since"),
                (("--since", "2024-05-02", "--until", "2024-05-01"), b"is after --until")]:
            with self.subTest(args=args):
                p = self.kongsi("audit", *args)
                self.assertEqual(p.returncode, 2, self.describe(("audit",) + args, p))
                self.assertIn(message, p.stderr)
                self.assertEqual(p.stdout, b"")

    def test_audit_csv_has_a_header_and_quotes_fields(self):
        # A principal name with a comma, a quote and a space must survive the round trip.
        user = 'o"brien, pat'
        exported = self.export_as(user)
        self.export_as("alice", "--type", "malware")
        raw = self.ok("audit", "--format", "csv", "--principal", "operator:" + user)
        self.assertTrue(raw.endswith("\r\n"), "RFC 4180 line ends")
        rows = list(csv.reader(io.StringIO(raw, newline="")))
        self.assertEqual(rows[0], ["time", "principal", "organisation", "channel", "object_id",
                                   "version", "redacted"])
        records = [dict(zip(rows[0], row)) for row in rows[1:]]
        self.assertEqual(sorted(r["object_id"] for r in records), sorted(exported))
        want = self.audit_jsonl("--principal", "operator:" + user)
        self.assertEqual(len(records), len(want))
        for got, line in zip(records, want):
            self.assertEqual(got["principal"], 'operator:o"brien, pat')
            self.assertEqual(got["organisation"], self.node)
            self.assertEqual(got["channel"], "export")
            self.assertEqual(got["redacted"], "false")
            for key in ("time", "principal", "organisation", "channel", "object_id", "version"):
                self.assertEqual(got[key], line[key])
        # Every record of the log, with its header, also parses whole.
        everything = list(csv.DictReader(io.StringIO(self.ok("audit", "--format", "csv"),
                                                     newline="")))
        self.assertEqual(len(everything), len(self.audit_jsonl()))
        self.assertEqual([r["principal"] for r in everything],
                         [r["principal"] for r in self.audit_jsonl()])
        self.assertIn("operator:alice", {r["principal"] for r in everything})


# --------------------------------------------------------------------------------------------
class ConcurrencyTest(KongsiTestCase):
    """Several kongsi processes on one node at once, as cron jobs and an analyst might."""

    def setUp(self):
        super().setUp()
        self.init()

    def make_feed(self, name, first, files=5, per_file=1000):
        folder = os.path.join(self.tmp, name)
        ids = set()
        for f in range(files):
            objects = [indicator(first + f * per_file + i) for i in range(per_file)]
            ids |= {o["id"] for o in objects}
            if f % 2:
                write_jsonl(os.path.join(folder, "p%d.jsonl" % f), objects)
            else:
                write_json(os.path.join(folder, "p%d.json" % f), bundle(objects))
        return folder, ids

    def spawn(self, *args):
        out = tempfile.TemporaryFile(dir=self.tmp)
        err = tempfile.TemporaryFile(dir=self.tmp)
        self.addCleanup(out.close)
        self.addCleanup(err.close)
        p = subprocess.Popen([KONGSI_BIN, "--data-dir", self.data_dir] + list(args),
                             stdout=out, stderr=err, env=self.env(), cwd=self.tmp)
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait(10)))
        return p, out, err

    def finish(self, spawned):
        p, out, err = spawned
        code = p.wait(timeout=TIMEOUT)
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode(), err.read().decode()
        self.assertEqual(code, 0, "exit %d: %s %s" % (code, text[-2000:], errors[-2000:]))
        return text

    def test_parallel_ingests_of_different_and_same_input(self):
        c = self.ok("collections", "create", "shared").strip()
        feed_a, ids_a = self.make_feed("a", 0)
        feed_b, ids_b = self.make_feed("b", 100000)
        runs = [self.spawn("ingest", "--json", "-c", c, feed) for feed in (feed_a, feed_b, feed_a)]
        export = self.spawn("export", "--format", "bundle")
        reports = [json.loads(self.finish(r)) for r in runs]
        exported = json.loads(self.finish(export))  # a consistent, parseable snapshot
        snapshot = [o["id"] for o in exported["objects"]]
        self.assertEqual(len(snapshot), len(set(snapshot)), "no object exported twice")
        for r in reports:
            self.assertEqual((r["conflicts"], r["rejected"]), (0, 0), r)
            self.assertEqual(r["accepted"] + r["unchanged"], 5000, r)
        # Feed a was ingested twice at once: each object accepted by exactly one of them.
        self.assertEqual(reports[0]["accepted"] + reports[2]["accepted"], 5000)
        stats = self.stats()
        self.assertEqual((stats["objects"], stats["versions"]), (10001, 10001))
        self.assertEqual(stats["by_collection"][c], {"objects": 10000, "versions": 10000})
        self.assertEqual(set(self.export_ids("--collection", c)), ids_a | ids_b)


# --------------------------------------------------------------------------------------------
class StatsTest(KongsiTestCase):

    def setUp(self):
        super().setUp()
        self.init("stats node")

    def test_by_type(self):
        self.ingest(fixture("bundle-valid.json"))
        stats = self.stats()
        self.assertEqual(stats["node"], "stats node")
        self.assertEqual((stats["objects"], stats["versions"]), (8, 8))
        counts = {t: c["objects"] for t, c in stats["by_type"].items()}
        self.assertEqual(counts, {"identity": 2, "indicator": 1, "malware": 1, "relationship": 1,
                                  "attack-pattern": 1, "domain-name": 1, "report": 1})
        self.assertEqual(stats["by_collection"], {})

    def test_by_tlp_in_bundle(self):
        # indicator: TLP 2.0 AMBER; malware: TLP 1.0 WHITE (counted as clear); attack-pattern:
        # TLP 1.0 GREEN; report: TLP 2.0 CLEAR; identity, relationship, domain-name and the
        # node identity: unmarked.
        self.ingest(fixture("bundle-valid.json"))
        by_tlp = {k: v["objects"] for k, v in self.stats()["by_tlp"].items()}
        self.assertEqual(by_tlp, {"amber": 1, "clear": 2, "green": 1, "none": 4})

    def test_by_tlp_latest_version_decides(self):
        r = self.ingest(fixture("tlp-bundle.json"))
        self.assertEqual((r["accepted"], r["rejected"]), (9, 0), r)
        stats = self.stats()
        self.assertEqual(stats["by_tlp"], {
            "none": {"objects": 2, "versions": 2},  # one unmarked indicator + node identity
            "clear": {"objects": 2, "versions": 2},  # TLP 2.0 CLEAR, TLP 1.0 WHITE
            "green": {"objects": 2, "versions": 2},  # TLP 2.0 GREEN, TLP 1.0 GREEN
            "amber": {"objects": 1, "versions": 1},
            "amber+strict": {"objects": 1, "versions": 2},  # unmarked v1, AMBER+STRICT v2
            "red": {"objects": 1, "versions": 1},
        })
        self.assertEqual(stats["by_type"]["indicator"], {"objects": 8, "versions": 9})
        self.assertEqual((stats["objects"], stats["versions"]), (9, 10))

    def test_text_output(self):
        self.ingest(fixture("bundle-valid.json"))
        out = self.ok("stats")
        self.assertIn("stats node", out)
        self.assertIn("8 objects", out)
        self.assertIn("by type", out)
        self.assertIn("by TLP", out)
        self.assertIn("attack-pattern", out)


if __name__ == "__main__":
    unittest.main()
