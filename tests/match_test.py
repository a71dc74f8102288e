#!/usr/bin/env python3
"""End-to-end tests of `kongsi match`: real logs (../shared/data/logs, skipped when absent) and
small written ones, indicators stored in a node or read from files, matches as JSON lines,
sightings as STIX and stored with --submit.

The expected hits are computed here, independently of the matcher: the test reads each log
with Python's json module / by splitting Zeek columns, applies the event -> observable mapping
of docs/matching.md and checks every indicator against the values by hand.

Environment: KONGSI_BIN (the binary, set by CTest), KONGSI_SOURCE_DIR (the repository).
Run: KONGSI_BIN=build/debug/kongsi python3 tests/match_test.py -v
"""

import collections
import gzip
import ipaddress
import json
import os
import subprocess
import unittest
import uuid

from node_case import KONGSI_BIN, NodeTestCase, clean_env

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("KONGSI_SOURCE_DIR", os.path.dirname(HERE))
LOGS = os.path.join(SOURCE, "..", "shared", "data", "logs")
EVE = os.path.join(LOGS, "suricata", "slips", "test6-malicious.suricata.json")
ZEEK_DNS = os.path.join(LOGS, "zeek", "slips", "test10-mixed-zeek-dir", "dns.log")
TIMEOUT = 300

TLP2_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"


def indicator(pattern, name, **extra):
    obj = {"type": "indicator", "spec_version": "2.1", "id": "indicator--%s" % uuid.uuid4(),
           "created": "2021-01-01T00:00:00.000Z", "modified": "2021-01-01T00:00:00.000Z",
           "name": name, "pattern": pattern, "pattern_type": "stix",
           "valid_from": "2021-01-01T00:00:00Z"}
    obj.update(extra)
    return obj


def bundle(objects):
    return {"type": "bundle", "id": "bundle--%s" % uuid.uuid4(), "objects": objects}


def eve_values(event):
    """(kind, value) pairs of one EVE event, as docs/matching.md maps them."""
    out = []
    for key in ("src_ip", "dest_ip"):
        if key in event:
            out.append(("ip", event[key]))
    dns = event.get("dns") or {}
    if "rrname" in dns:
        out.append(("domain", dns["rrname"]))
    answers = dns.get("answers")
    if answers:
        for a in answers:
            if "rdata" in a:
                out.append(("ip" if a.get("rrtype") in ("A", "AAAA") else "domain", a["rdata"]))
    else:
        for rrtype, values in (dns.get("grouped") or {}).items():
            for v in values:
                out.append(("ip" if rrtype in ("A", "AAAA") else "domain", v))
    http = event.get("http") or {}
    if "hostname" in http:
        host = http["hostname"]
        try:
            ipaddress.ip_address(host)
            out.append(("ip", host))
        except ValueError:
            out.append(("domain", host))
        if "url" in http:
            port = http.get("http_port")
            url = http["url"]
            if not url.startswith("http"):
                url = "http://" + host + (":%d" % port if port and port != 80 else "") + url
            out.append(("url", url))
    tls = event.get("tls") or {}
    if "sni" in tls:
        out.append(("domain", tls["sni"]))
    if "ja3" in tls and "hash" in tls["ja3"]:
        out.append(("ja3", tls["ja3"]["hash"]))
    if "fingerprint" in tls:
        out.append(("x509-sha1", tls["fingerprint"]))
    return out


class MatchTestCase(NodeTestCase):
    def kongsi(self, *args, stdin=None, data_dir=None):
        cmd = [KONGSI_BIN, "--data-dir", data_dir or self.data_dir] + [str(a) for a in args]
        return subprocess.run(cmd, input=stdin, capture_output=True, timeout=TIMEOUT,
                              env=clean_env(), cwd=self.tmp)

    def ok(self, *args, stdin=None):
        p = self.kongsi(*args, stdin=stdin)
        self.assertEqual(p.returncode, 0, "kongsi %s -> %d\n%s\n%s" % (
            " ".join(map(str, args)), p.returncode, p.stdout.decode(errors="replace")[:2000],
            p.stderr.decode(errors="replace")[:3000]))
        return p

    def write(self, name, content, mode="w"):
        path = os.path.join(self.tmp, name)
        with open(path, mode) as f:
            f.write(content)
        return path

    def node_with(self, objects):
        self.ok("init", "--name", "match node")
        self.ok("collections", "create", "Intel", "--alias", "intel")
        path = self.write("indicators.json", json.dumps(bundle(objects)))
        self.ok("ingest", "--collection", "intel", path)

    @staticmethod
    def hits(stdout):
        return [json.loads(line) for line in stdout.decode().splitlines() if line]


@unittest.skipUnless(os.path.exists(EVE), "real Suricata log absent (%s): needs ../shared/data" % EVE)
class RealEveTest(MatchTestCase):
    """The Stratosphere Suricata EVE log (5,000 events) against indicators made from it."""

    def setUp(self):
        super().setUp()
        with open(EVE) as f:
            self.events = [json.loads(line) for line in f]
        values = collections.Counter()
        for e in self.events:
            for kind, v in eve_values(e):
                values[(kind, v)] += 1
        # Indicators from values that occur: a few of each kind, some rare, some frequent.
        ips = sorted(v for (k, v) in values if k == "ip" and ":" not in v)
        domains = sorted(v for (k, v) in values if k == "domain")
        urls = sorted(v for (k, v) in values if k == "url")
        ja3 = sorted(v for (k, v) in values if k == "ja3")
        certs = sorted(v for (k, v) in values if k == "x509-sha1")
        self.assertTrue(ips and domains and urls and ja3 and certs)
        external = [ip for ip in ips if not ipaddress.ip_address(ip).is_private]
        block = ipaddress.ip_network(external[len(external) // 2] + "/24", strict=False)
        self.cases = [  # (indicator, predicate over (kind, value))
            (indicator("[ipv4-addr:value = '%s']" % external[0], "ip 0", object_marking_refs=[TLP2_AMBER]),
             lambda k, v, x=external[0]: k == "ip" and v == x),
            (indicator("[ipv4-addr:value IN ('%s', '%s')]" % (external[3], external[-1]), "ip set"),
             lambda k, v, s=(external[3], external[-1]): k == "ip" and v in s),
            (indicator("[ipv4-addr:value ISSUBSET '%s']" % block, "block"),
             lambda k, v, b=block: k == "ip" and ":" not in v and ipaddress.ip_address(v) in b),
            (indicator("[domain-name:value = '%s']" % domains[0].upper(), "domain 0"),
             lambda k, v, d=domains[0].lower(): k == "domain" and v.lower().rstrip(".") == d),
            (indicator("[domain-name:value = '%s'] OR [domain-name:value = '%s']" % (domains[1], domains[-1]), "domains"),
             lambda k, v, s=(domains[1].lower(), domains[-1].lower()): k == "domain" and v.lower() in s),
            (indicator("[url:value = '%s']" % urls[0], "url 0"),
             lambda k, v, u=urls[0]: k == "url" and v == u),
            (indicator("[x-ja3:value = '%s']" % ja3[0].upper(), "ja3"),
             lambda k, v, j=ja3[0]: k == "ja3" and v == j),
            (indicator("[x509-certificate:hashes.'SHA-1' = '%s']" % certs[0].replace(":", ""), "cert"),
             lambda k, v, c=certs[0]: k == "x509-sha1" and v == c),
        ]
        # Indicators that must not match anything.
        self.silent = [
            indicator("[ipv4-addr:value = '%s']" % external[1], "revoked", revoked=True),
            indicator("[ipv4-addr:value = '%s']" % external[2], "expired before the log",
                      valid_from="2020-01-01T00:00:00Z", valid_until="2020-06-01T00:00:00Z"),
            indicator("[ipv4-addr:value = '%s']" % external[4], "valid only after the log",
                      valid_from="2026-01-01T00:00:00Z"),
            indicator("[domain-name:value = 'never-seen.example']", "absent"),
        ]
        self.expected = collections.Counter()
        for line, e in enumerate(self.events, start=1):
            for kind, v in eve_values(e):
                for ind, pred in self.cases:
                    if pred(kind, v):
                        self.expected[(line, v, ind["id"])] += 1
        self.assertGreater(len(self.expected), 20)

    def got(self, hits):
        out = collections.Counter()
        for h in hits:
            self.assertEqual(h["file"][-len("suricata.json"):], "suricata.json")
            for ind in h["indicators"]:
                out[(h["line"], h["value"], ind["id"])] += 1
        return out

    def test_hits_are_exactly_the_independently_computed_ones(self):
        self.node_with([c[0] for c in self.cases] + self.silent)
        p = self.ok("match", EVE, "-j", "1")
        hits = self.hits(p.stdout)
        self.assertEqual(self.got(hits), self.expected)
        names = {ind["id"]: ind for h in hits for ind in h["indicators"]}
        first = self.cases[0][0]
        self.assertEqual(names[first["id"]]["name"], "ip 0")
        self.assertEqual(names[first["id"]]["tlp"], "amber")
        line_of = {h["line"]: h for h in hits}
        for h in hits[:50]:
            e = self.events[h["line"] - 1]
            # The event's own time, in UTC.
            self.assertTrue(h["timestamp"].endswith("Z"), h)
            self.assertEqual(h["timestamp"][:10], e["timestamp"][:10])
        self.assertTrue(line_of)
        err = p.stderr.decode()
        self.assertIn("5000 lines", err)
        self.assertIn("0 malformed", err)
        self.assertIn("values matched only indicators not valid at the event's time", err)

    def test_threads_gzip_and_stdin_give_the_same_output(self):
        self.node_with([c[0] for c in self.cases])
        one = self.ok("match", EVE, "-j", "1").stdout
        two = self.ok("match", EVE, "-j", "2").stdout
        self.assertEqual(one, two)
        with open(EVE, "rb") as f:
            raw = f.read()
        gz = self.write("eve.json.gz", gzip.compress(raw), "wb")
        via_gzip = self.ok("match", gz, "--format", "eve").stdout
        via_stdin = self.ok("match", "-", stdin=raw).stdout
        strip = lambda out: [{k: v for k, v in h.items() if k != "file"} for h in self.hits(out)]
        self.assertEqual(strip(via_gzip), strip(one))
        self.assertEqual(strip(via_stdin), strip(one))

    def test_sightings_count_every_hit_and_are_stored_once(self):
        self.node_with([c[0] for c in self.cases])
        p = self.ok("match", EVE, "--sightings")
        sightings = json.loads(p.stdout)["objects"]
        want = collections.Counter()
        for (line, v, ind), n in self.expected.items():
            want[ind] += n
        self.assertEqual({s["sighting_of_ref"]: s["count"] for s in sightings}, dict(want))
        for s in sightings:
            self.assertLessEqual(s["first_seen"], s["last_seen"])
            self.assertTrue(s["where_sighted_refs"][0].startswith("identity--"))
        amber = [s for s in sightings if s["sighting_of_ref"] == self.cases[0][0]["id"]]
        self.assertEqual(amber[0]["object_marking_refs"], [TLP2_AMBER])
        path = self.write("sightings.json", p.stdout.decode())
        self.ok("validate", path)

        out = self.ok("match", EVE, "--submit", "--output-format", "none")
        self.assertIn("sightings: %d stored" % len(want), out.stderr.decode())
        again = self.ok("match", EVE, "--submit", "--output-format", "none")
        self.assertIn("sightings: 0 stored in sightings, %d already there" % len(want),
                      again.stderr.decode())
        exported = self.ok("export", "--collection", "sightings", "--format", "jsonl").stdout
        stored = [json.loads(l) for l in exported.decode().splitlines()]
        self.assertEqual(sorted(s["id"] for s in stored), sorted(s["id"] for s in sightings))

    def test_validity_now_hunts_with_todays_indicators(self):
        late = indicator("[ipv4-addr:value = '%s']" % self.events[0]["src_ip"], "new",
                         valid_from="2026-01-01T00:00:00Z")
        self.node_with([late])
        self.assertEqual(self.ok("match", EVE).stdout, b"")
        hits = self.hits(self.ok("match", EVE, "--validity", "now").stdout)
        want = sum(1 for e in self.events for k, v in eve_values(e)
                   if k == "ip" and v == self.events[0]["src_ip"])
        self.assertEqual(len(hits), want)


@unittest.skipUnless(os.path.exists(ZEEK_DNS), "real Zeek log absent: needs ../shared/data")
class RealZeekTest(MatchTestCase):
    def test_zeek_dns_queries_answers_and_addresses(self):
        fields, rows = None, []
        with open(ZEEK_DNS) as f:
            for line_number, line in enumerate(f, start=1):
                line = line.rstrip("\n")
                stripped = line.lstrip("\t")
                if stripped.startswith("#fields"):
                    fields = stripped.split("\t")[1:]
                elif not stripped.startswith("#") and line:
                    rows.append((line_number, dict(zip(fields, line.split("\t")))))
        queries = sorted({r["query"] for _, r in rows if r["query"] not in ("-", "(empty)")})
        answers = sorted({a for _, r in rows for a in r["answers"].split(",")
                          if a not in ("-", "(empty)") and a.count(".") == 3 and a[0].isdigit()})
        chosen_query, chosen_answer = queries[len(queries) // 2], answers[0]
        resp = rows[0][1]["id.resp_h"]
        self.node_with([indicator("[domain-name:value = '%s']" % chosen_query, "q"),
                        indicator("[ipv4-addr:value = '%s']" % chosen_answer, "a"),
                        indicator("[%s:value = '%s']" % (
                            "ipv6-addr" if ":" in resp else "ipv4-addr", resp), "resolver")])
        expected = collections.Counter()
        for line_number, r in rows:
            if r["query"] == chosen_query:
                expected[(line_number, "query", chosen_query)] += 1
            for a in r["answers"].split(","):
                if a == chosen_answer:
                    expected[(line_number, "answers", a)] += 1
            for key in ("id.orig_h", "id.resp_h"):
                if r[key] == resp:
                    expected[(line_number, key, resp)] += 1
        # The log is from 2020, the indicators valid from 2021: hunt with them as valid now.
        hits = self.hits(self.ok("match", ZEEK_DNS, "--validity", "now").stdout)
        got = collections.Counter((h["line"], h["field"], h["value"]) for h in hits)
        self.assertEqual(got, expected)


class WrittenLogsTest(MatchTestCase):
    """Small logs written here: formats, errors and options that need no shared data."""

    def setUp(self):
        super().setUp()
        self.bundle_path = self.write("ind.json", json.dumps(bundle([
            indicator("[ipv4-addr:value = '203.0.113.7']", "ip"),
            indicator("[domain-name:value = 'evil.example']", "domain"),
            indicator("[url:value = 'http://evil.example/gate.php']", "url"),
            indicator("[file:hashes.MD5 = '0123456789abcdef0123456789abcdef']", "md5"),
        ])))

    def match_file(self, *args, stdin=None):
        return self.ok("match", "--indicators", self.bundle_path, *args, stdin=stdin)

    def test_plain_text_finds_values_anywhere_in_a_line(self):
        log = self.write("mail.log", "Nov 23 10:00:01 relay: connect from 203.0.113.7\n"
                         "Nov 23 10:00:02 relay: fetched http://EVIL.example/gate.php ok\n"
                         "Nov 23 10:00:03 relay: 203.0.113.70 is not the same address\n"
                         "Nov 23 10:00:04 av: 0123456789ABCDEF0123456789ABCDEF quarantined\n")
        hits = self.hits(self.match_file(log, "--format", "plain").stdout)
        got = sorted((h["line"], h["value"]) for h in hits)
        self.assertIn((1, "203.0.113.7"), got)
        self.assertIn((2, "http://EVIL.example/gate.php"), got)
        self.assertIn((4, "0123456789ABCDEF0123456789ABCDEF"), got)
        self.assertFalse([g for g in got if g[0] == 3], got)

    def test_csv_with_a_field_map(self):
        log = self.write("dns.csv", "time,client,name\n"
                         "2026-01-01T00:00:00Z,10.0.0.1,ok.example\n"
                         "2026-01-01T00:00:01Z,203.0.113.7,\"evil.example\"\n")
        hits = self.hits(self.match_file(log, "--format", "csv", "--field-map",
                                         "client=ip,name=domain,time=timestamp").stdout)
        self.assertEqual(sorted((h["line"], h["field"], h["value"]) for h in hits),
                         [(3, "client", "203.0.113.7"), (3, "name", "evil.example")])
        self.assertEqual(hits[0]["timestamp"], "2026-01-01T00:00:01.000000Z")

    def test_malformed_lines_are_reported_with_file_and_line_and_the_rest_matches(self):
        good = json.dumps({"timestamp": "2026-01-01T00:00:00.000000+0000", "event_type": "flow",
                           "src_ip": "203.0.113.7", "dest_ip": "10.0.0.1"})
        log = self.write("eve.json", good + "\n{\"broken\": \n" + good + "\n")
        p = self.match_file(log, "--format", "eve")
        self.assertEqual([h["line"] for h in self.hits(p.stdout)], [1, 3])
        err = p.stderr.decode()
        self.assertIn("1 malformed", err)
        self.assertIn("eve.json:2:", err)

    def test_usage_errors_exit_2_with_a_message(self):
        log = self.write("x.log", "203.0.113.7\n")
        p = self.kongsi("match", "--indicators", self.bundle_path, log, "--format", "pcap")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown log format 'pcap'", p.stderr.decode())
        p = self.kongsi("match", "--indicators", self.bundle_path, log, "--format", "csv")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--field-map", p.stderr.decode())
        p = self.kongsi("match", "--indicators", self.bundle_path, os.path.join(self.tmp, "nope.log"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("nope.log", p.stderr.decode())
        p = self.kongsi("match", log)  # no node, no --indicators
        self.assertEqual(p.returncode, 2)
        self.assertIn("kongsi init", p.stderr.decode())


if __name__ == "__main__":
    unittest.main()
