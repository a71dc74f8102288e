#!/usr/bin/env python3
"""Crash test: "Acknowledged means durable: kill -9 at any moment never leaves a partial
object, a duplicate version or a corrupt store; re-running the same ingest completes it."

A large input (20 files, bundles and JSON lines, ~200,000 valid STIX 2.1 indicators) is
ingested into a collection and the process is killed with SIGKILL at random moments. After
every kill the store is checked directly (SQLite, read-only):

  * PRAGMA integrity_check is ok and foreign keys hold;
  * no (id, version) is stored twice;
  * every object row holds a complete body that parses as JSON, with the row's id, type,
    spec_version and version;
  * only ids of the input (and the node identity) are stored;
  * a bundle is stored whole or not at all (one transaction per document), and what is
    stored of a JSON-lines file is a prefix of its lines (batches commit in order);
  * every stored object is a member of the collection, and every member is stored;
  * kongsi itself opens the store again (stats).

Then the same ingest is re-run to completion: it exits 0, reports the objects stored by the
killed runs as unchanged and the rest as accepted, and the store then holds exactly the
input's ids, once each.

Environment: KONGSI_BIN (the binary), KONGSI_CRASH_SEED (optional, to replay a run),
KONGSI_CRASH_OBJECTS (optional, total indicators, default 200000), KONGSI_CRASH_KILLS
(optional, default 5).
"""

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
import unittest
import uuid
from datetime import datetime, timezone

from node_case import KONGSI_BIN, NodeTestCase, clean_env
FILES = 20
TOTAL_OBJECTS = int(os.environ.get("KONGSI_CRASH_OBJECTS", "200000"))
KILLS = int(os.environ.get("KONGSI_CRASH_KILLS", "5"))
MIN_DELAY, MAX_DELAY = 0.05, 2.0
COMMAND_TIMEOUT = 300  # seconds; one complete ingest of the whole input must fit easily
SEED = int(os.environ.get("KONGSI_CRASH_SEED", str(random.SystemRandom().randrange(1 << 30))))


def rfc3339_micros(ts):
    """Microseconds since the epoch of an RFC 3339 'Z' timestamp with fractional seconds."""
    base, _, frac = ts.rstrip("Z").partition(".")
    dt = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    frac = (frac + "000000")[:6]
    return int(dt.timestamp()) * 1_000_000 + int(frac)


class Input:
    """The generated input: files, their kind and ids in order."""

    def __init__(self, folder, rng):
        self.folder = folder
        self.files = []  # (path, kind "bundle"|"jsonl", [ids in order])
        self.versions = {}  # id -> version (microseconds of modified)
        os.makedirs(folder)
        per_file = TOTAL_OBJECTS // FILES
        base = datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp()
        n = 0
        for f in range(FILES):
            count = per_file + (1 if f < TOTAL_OBJECTS % FILES else 0)
            kind = "bundle" if f % 2 == 0 else "jsonl"
            objects = []
            for _ in range(count):
                oid = "indicator--" + str(uuid.UUID(int=rng.getrandbits(128), version=4))
                t = base + n * 0.001 + rng.randrange(86400)
                stamp = datetime.fromtimestamp(t, timezone.utc)
                ts = stamp.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (stamp.microsecond // 1000)
                objects.append({
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": oid,
                    "created": ts,
                    "modified": ts,
                    "name": "crash-test indicator %d" % n,
                    "pattern": "[ipv4-addr:value = '%d.%d.%d.%d']" % (
                        198, 18 + (n >> 16) % 2, (n >> 8) & 255, n & 255),
                    "pattern_type": "stix",
                    "valid_from": ts,
                })
                self.versions[oid] = rfc3339_micros(ts)
                n += 1
            name = "part-%02d.%s" % (f, "json" if kind == "bundle" else "jsonl")
            path = os.path.join(folder, name)
            with open(path, "w", encoding="utf-8") as out:
                if kind == "bundle":
                    json.dump({"type": "bundle", "id": "bundle--" + str(uuid.UUID(
                        int=rng.getrandbits(128), version=4)), "objects": objects}, out,
                        separators=(",", ":"))
                else:
                    for o in objects:
                        out.write(json.dumps(o, separators=(",", ":")))
                        out.write("\n")
            self.files.append((path, kind, [o["id"] for o in objects]))
        self.ids = set(self.versions)
        assert len(self.ids) == TOTAL_OBJECTS


class CrashTest(NodeTestCase):

    tmp_prefix = "kongsi-crash-"

    def setUp(self):
        super().setUp()
        self.env = clean_env()

    def kongsi(self, *args, timeout=COMMAND_TIMEOUT):
        p = subprocess.run([KONGSI_BIN, "--data-dir", self.data_dir] + list(args),
                           capture_output=True, timeout=timeout, env=self.env, cwd=self.tmp)
        return p

    def ok(self, *args, timeout=COMMAND_TIMEOUT):
        p = self.kongsi(*args, timeout=timeout)
        self.assertEqual(p.returncode, 0, "kongsi %s -> %d\n%s\n%s" % (
            " ".join(args), p.returncode, p.stdout.decode()[:2000], p.stderr.decode()[:2000]))
        return p.stdout.decode()

    def start_ingest(self, log_name):
        """Starts the ingest in the background; its output goes to files in tmp."""
        out = open(os.path.join(self.tmp, log_name + ".out"), "wb")
        err = open(os.path.join(self.tmp, log_name + ".err"), "wb")
        self.addCleanup(out.close)
        self.addCleanup(err.close)
        proc = subprocess.Popen(
            [KONGSI_BIN, "--data-dir", self.data_dir, "-q", "ingest", "--json",
             "-c", self.collection, self.input.folder],
            stdout=out, stderr=err, env=self.env, cwd=self.tmp)

        def reap():
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        self.addCleanup(reap)
        return proc

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")

    # -- the checks after a crash ---------------------------------------------------------------
    def check_store(self, context):
        """Checks the store as a crash left it; returns the set of stored input ids."""
        path = os.path.join(self.data_dir, "store.db")
        conn = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=30)
        try:
            integrity = conn.execute("PRAGMA integrity_check").fetchall()
            self.assertEqual(integrity, [("ok",)], "%s: integrity_check" % context)
            self.assertEqual(conn.execute("PRAGMA foreign_key_check").fetchall(), [],
                             "%s: foreign_key_check" % context)
            dups = conn.execute(
                "SELECT id, version, COUNT(*) FROM objects GROUP BY id, version "
                "HAVING COUNT(*) > 1 LIMIT 10").fetchall()
            self.assertEqual(dups, [], "%s: duplicate versions" % context)

            stored = set()
            identities = 0
            bad = []
            for oid, version, otype, spec, body in conn.execute(
                    "SELECT id, version, type, spec_version, body FROM objects"):
                try:
                    obj = json.loads(body)
                except (json.JSONDecodeError, TypeError) as e:
                    bad.append("%s: body does not parse (%s): %r" % (oid, e, body[:200]))
                    continue
                if (obj.get("id"), obj.get("type"), obj.get("spec_version")) != (oid, otype, spec):
                    bad.append("%s: row (%s, %s) but body has id %s, type %s, spec_version %s" % (
                        oid, otype, spec, obj.get("id"), obj.get("type"), obj.get("spec_version")))
                    continue
                if otype == "identity":
                    identities += 1
                    continue
                if oid not in self.input.versions:
                    bad.append("%s: not an id of the input" % oid)
                    continue
                if version != self.input.versions[oid] or rfc3339_micros(
                        obj["modified"]) != version:
                    bad.append("%s: version column %s, modified %s" % (oid, version,
                                                                       obj.get("modified")))
                    continue
                if obj.get("pattern_type") != "stix" or "valid_from" not in obj:
                    bad.append("%s: incomplete body %r" % (oid, body[:200]))
                    continue
                stored.add(oid)
                if len(bad) > 20:
                    break
            self.assertEqual(bad, [], "%s: bad object rows" % context)
            self.assertEqual(identities, 1, "%s: the node identity, once" % context)

            # Documents: bundles whole or not at all; JSON lines a prefix of the file.
            for path_, kind, ids in self.input.files:
                present = [oid in stored for oid in ids]
                n = sum(present)
                name = os.path.basename(path_)
                if kind == "bundle":
                    self.assertIn(n, (0, len(ids)),
                                  "%s: %s is a bundle (one transaction) but %d of its %d objects "
                                  "are stored" % (context, name, n, len(ids)))
                else:
                    self.assertTrue(all(present[:n]) and not any(present[n:]),
                                    "%s: the %d stored lines of %s are not a prefix of it"
                                    % (context, n, name))

            # Collection membership goes with the objects, in the same transactions.
            members = conn.execute(
                "SELECT o.id FROM collection_objects m "
                "JOIN collections c ON c.num = m.collection "
                "JOIN objects o ON o.first_added = m.object WHERE c.id = ?",
                (self.collection,)).fetchall()
            member_ids = [m[0] for m in members]
            self.assertEqual(len(member_ids), len(set(member_ids)),
                             "%s: an object is twice in the collection" % context)
            self.assertEqual(set(member_ids), stored,
                             "%s: collection members differ from the stored objects" % context)
            orphans = conn.execute(
                "SELECT COUNT(*) FROM collection_objects m LEFT JOIN objects o "
                "ON o.first_added = m.object WHERE o.id IS NULL").fetchone()[0]
            self.assertEqual(orphans, 0, "%s: members without an object" % context)
        finally:
            conn.close()
        # kongsi opens the crashed store (WAL recovery) and agrees on the count.
        stats = json.loads(self.ok("stats", "--json"))
        self.assertEqual(stats["objects"], len(stored) + 1, "%s: stats" % context)
        return stored

    # -- the test ---------------------------------------------------------------------------------
    def test_kill_9_during_ingest_then_rerun(self):
        print("\ncrash test: seed %d (replay with KONGSI_CRASH_SEED=%d), %d objects in %d files"
              % (SEED, SEED, TOTAL_OBJECTS, FILES), flush=True)
        rng = random.Random(SEED)
        t0 = time.monotonic()
        self.input = Input(os.path.join(self.tmp, "input"), rng)
        print("  generated input in %.1f s" % (time.monotonic() - t0), flush=True)
        self.ok("init", "--name", "crash node")
        self.collection = self.ok("collections", "create", "crash").strip()

        stored = set()
        killed = 0
        for attempt in range(KILLS):
            delay = rng.uniform(MIN_DELAY, MAX_DELAY)
            proc = self.start_ingest("run-%d" % attempt)
            try:
                code = proc.wait(timeout=delay)
                finished = True
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                code = proc.wait(timeout=60)
                finished = code != -signal.SIGKILL
            if finished:
                # It completed before the kill: a normal, successful ingest.
                self.assertEqual(code, 0, "run %d exited %d before the kill: %s" % (
                    attempt, code, self.read(os.path.join(self.tmp, "run-%d.err" % attempt))))
            else:
                killed += 1
            t = time.monotonic()
            now_stored = self.check_store("after run %d (%s at %.2f s)" % (
                attempt, "finished" if finished else "killed", delay))
            self.assertTrue(stored <= now_stored,
                            "run %d: %d objects stored earlier are gone" % (
                                attempt, len(stored - now_stored)))
            stored = now_stored
            print("  run %d: %s after %.2f s, %d/%d objects stored; checked in %.1f s" % (
                attempt, "completed" if finished else "killed", delay, len(stored),
                TOTAL_OBJECTS, time.monotonic() - t), flush=True)
            if finished:
                break  # the input is complete; later kills would test nothing new

        # Re-running the same ingest completes it.
        before = stored
        proc = self.start_ingest("final")
        try:
            code = proc.wait(timeout=COMMAND_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail("the final ingest did not finish in %d s" % COMMAND_TIMEOUT)
        out = self.read(os.path.join(self.tmp, "final.out"))
        self.assertEqual(code, 0, "final ingest exited %d: %s %s" % (
            code, out[:2000], self.read(os.path.join(self.tmp, "final.err"))[:2000]))
        report = json.loads(out)
        self.assertEqual(report["rejected"], 0, report)
        self.assertEqual(report["conflicts"], 0, report)
        self.assertEqual(report["objects"], TOTAL_OBJECTS, report)
        self.assertEqual(report["unchanged"], len(before),
                         "the objects stored before the re-run are reported unchanged")
        self.assertEqual(report["accepted"], TOTAL_OBJECTS - len(before), report)

        final = self.check_store("after the final run")
        self.assertEqual(len(final), TOTAL_OBJECTS)
        self.assertEqual(final, self.input.ids)
        stats = json.loads(self.ok("stats", "--json"))
        self.assertEqual(stats["objects"], TOTAL_OBJECTS + 1)  # + the node identity
        self.assertEqual(stats["versions"], TOTAL_OBJECTS + 1)
        self.assertEqual(stats["by_collection"][self.collection],
                         {"objects": TOTAL_OBJECTS, "versions": TOTAL_OBJECTS})

        # What was stored reads back: the collection exports every input id once.
        path = os.path.join(self.tmp, "export.jsonl")
        self.ok("-q", "export", "--collection", self.collection, "--format", "jsonl", "-o", path)
        with open(path, encoding="utf-8") as f:
            exported = [json.loads(line)["id"] for line in f if line.strip()]
        self.assertEqual(len(exported), TOTAL_OBJECTS)
        self.assertEqual(set(exported), self.input.ids)
        print("  %d kills (%d runs), final run: accepted %d, unchanged %d; total %.1f s" % (
            killed, attempt + 1, report["accepted"], report["unchanged"],
            time.monotonic() - t0), flush=True)
        self.assertGreater(killed, 0, "no run was killed mid-ingest: the test tested nothing")


if __name__ == "__main__":
    unittest.main()
