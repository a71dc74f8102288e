#!/usr/bin/env python3
"""End-to-end tests of the sharing policy (docs/policy.md) on a running `kongsi serve`: what a
constituent (a bank in a community agreement up to AMBER), a partner (a bilateral agreement up
to AMBER+STRICT), a peer node and the node's own organisation receive on every TAXII read path
(object pages followed by `next`, one object, versions, manifests, the date headers), origin
binding of objects ingested from or posted by another organisation, RED with named recipients,
redaction (granular markings and drop rules), the audit log, `kongsi export --for`,
`kongsi policy explain`, the withheld counts of /metrics, and reloading the policy in a running
server (`kongsi policy reload` and SIGHUP, good and broken policies, a kongsi.toml written after
the start; connections opened before a reload keep working).

`kongsi policy check` is tested in tests/policy_cli_test.py.

Environment: KONGSI_BIN (the binary, set by CTest).
Run: KONGSI_BIN=build/debug/kongsi python3 tests/policy_test.py -v
"""

import csv
import datetime
import http.client
import io
import json
import os
import re
import signal
import tempfile
import time
import unittest
import uuid

from node_case import (STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE, ServerTestCase, TaxiiClient,
                       http_request, stix_id, stix_indicator)

# TLP 2.0 marking definitions (the OASIS TLP 2.0 extension; docs/policy.md, src/stix/tlp.cc).
TLP = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

IDENTITY_RE = re.compile(r"identity: (identity--[0-9a-f-]{36})")
WITHHELD_RE = re.compile(
    r'^kongsi_policy_withheld_total\{principal="([^"]*)",reason="([^"]*)"\} (\S+)$', re.M)


def indicator(name, tlp=None, modified="2026-01-01T00:00:00.000Z", **extra):
    """An indicator named `name` marked `tlp` (a key of TLP; None: unmarked)."""
    o = stix_indicator(modified=modified, **extra)
    o["name"] = name
    if tlp is not None:
        o["object_marking_refs"] = [TLP[tlp]]
    return o


def sighting(name, of, tlp):
    return {"type": "sighting", "spec_version": "2.1", "id": stix_id("sighting"),
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "sighting_of_ref": of, "count": 1, "description": name,
            "object_marking_refs": [TLP[tlp]]}


def without(obj, *names, prefixes=()):
    """A copy of `obj` without the properties `names` nor those starting with `prefixes`."""
    return {k: v for k, v in obj.items()
            if k not in names and not any(k.startswith(p) for p in prefixes)}


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def policy_toml(identity, bank_max_tlp="amber", extra=""):
    """The sharing policy of the tests: the node (my-cert), a finance community (bank-a,
    bank-b) with an agreement on `fin` up to `bank_max_tlp`, a bilateral agreement with sg-cert
    up to AMBER+STRICT with sightings, and sg-node, a peer node of sg-cert."""
    return """\
[policy]
organisation = "my-cert"
default_tlp = "amber"
drop_properties = ["x_internal_*"]

[[organisation]]
name = "my-cert"
identity = "%(identity)s"

[[organisation]]
name = "bank-a"

[[organisation]]
name = "bank-b"

[[organisation]]
name = "sg-cert"

[[principal]]
name = "sg-node"
organisation = "sg-cert"
kind = "peer"

[[community]]
name = "finance"
members = ["bank-a", "bank-b"]

[[agreement]]
name = "finance-sector"
with = ["finance"]
collections = ["fin"]
max_tlp = "%(bank_max_tlp)s"
drop_properties = ["x_*"]

[[agreement]]
name = "sg-bilateral"
with = ["sg-cert"]
collections = ["fin"]
max_tlp = "amber+strict"
sightings = true
%(extra)s""" % {"identity": identity, "bank_max_tlp": bank_max_tlp, "extra": extra}


class PolicyCase(ServerTestCase):
    """Helpers shared by the classes below."""

    @classmethod
    def init_node(cls, name):
        """A fresh node (data directory, identity id)."""
        d = os.path.join(tempfile.mkdtemp(prefix="node-", dir=cls.class_tmp), "node")
        out = cls.cli_ok(d, "init", "--name", name)
        m = IDENTITY_RE.search(out)
        if m is None:
            raise AssertionError("kongsi init printed no identity: %r" % out)
        return d, m.group(1)

    @classmethod
    def ingest(cls, data_dir, collection, objects, origin=None):
        path = os.path.join(os.path.dirname(data_dir), "ingest-%s.json" % uuid.uuid4())
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"type": "bundle", "id": "bundle--%s" % uuid.uuid4(), "objects": objects},
                      f)
        args = ["ingest", "-c", collection, path]
        if origin:
            args += ["--origin", origin]
        cls.cli_ok(data_dir, *args)

    @staticmethod
    def write_policy(data_dir, text):
        path = os.path.join(data_dir, "kongsi.toml")
        with open(path + ".new", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".new", path)

    @staticmethod
    def post(client, collection, objects):
        """Adds `objects` over TAXII; raises AssertionError unless all are stored."""
        resp = client.post("/api1/collections/%s/objects/" % collection, {"objects": objects})
        if resp.status != 202 or resp.json().get("success_count") != len(objects):
            raise AssertionError("add objects failed:\n%s" % resp)

    def ids(self, client, collection, params=()):
        body = self.assert_taxii(client.get("/api1/collections/%s/objects/" % collection,
                                            params))
        return [o["id"] for o in body.get("objects", [])]

    def wait_for(self, predicate, what, timeout=30):
        """Polls `predicate` (every 50 ms, up to `timeout` s) until it is true."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                self.fail("timed out waiting for %s" % what)
            time.sleep(0.05)


class SharingTest(PolicyCase):
    """One node and server; collection `fin`; tokens soc-bank-a (bank-a), soc-bank-b (bank-b,
    writes), sg-analyst (sg-cert), sg-node (sg-cert, declared a peer) and soc-own (no
    organisation: the node's own, writes).

    The objects of `fin`, in the order they are added (what each reader receives):
      CLEAR, AMBER+STRICT x2, GREEN, RED for bank-a, RED for sg-cert, AMBER (with an
      x_internal_ property), unmarked (default AMBER), RED for my-cert only, AMBER with a RED
      granular marking on its description and x_ properties, an AMBER object (first version),
      a GREEN sighting; from bank-b (ingest --origin): AMBER, GREEN, CLEAR, AMBER+STRICT;
      posted by soc-bank-b: AMBER; posted by soc-own: the second version (AMBER+STRICT) of the
      versioned object, AMBER+STRICT, and RED naming nobody.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d, identity = cls.init_node("sharing node")
        cls.node_dir = d
        cls.fin = cls.new_collection(d, "Finance", alias="fin")
        cls.tokens = {
            "a": cls.new_token(d, "soc-bank-a", read=["fin"], org="bank-a"),
            "b": cls.new_token(d, "soc-bank-b", read=["fin"], write=["fin"], org="bank-b"),
            "sg": cls.new_token(d, "sg-analyst", read=["fin"], org="sg-cert"),
            "peer": cls.new_token(d, "sg-node", read=["fin"], org="sg-cert"),
            "own": cls.new_token(d, "soc-own", read=["*"], write=["*"]),
        }
        O = cls.o = {}
        O["clear"] = indicator("clear", "clear")
        O["strict1"] = indicator("amber+strict 1", "amber+strict")
        O["strict2"] = indicator("amber+strict 2", "amber+strict")
        O["green"] = indicator("green", "green")
        O["red_a"] = indicator("red for bank-a", "red", x_kongsi_recipients=["bank-a", "my-cert"])
        O["red_sg"] = indicator("red for sg-cert", "red",
                                x_kongsi_recipients=["sg-cert", "my-cert"])
        O["amber"] = indicator("amber", "amber", x_internal_note="not for partners")
        O["unmarked"] = indicator("unmarked")
        O["red_own"] = indicator("red for my-cert", "red", x_kongsi_recipients=["my-cert"])
        O["granular"] = indicator(
            "granular", "amber", description="the analyst's source",
            granular_markings=[{"marking_ref": TLP["red"], "selectors": ["description"]}],
            x_internal="case 4711", x_kongsi_recipients=["my-cert"])
        O["versioned"] = indicator("versioned v1", "amber")
        O["sighting"] = sighting("green sighting", O["clear"]["id"], "green")
        batch1 = [O[k] for k in ("clear", "strict1", "strict2", "green", "red_a", "red_sg",
                                 "amber", "unmarked", "red_own", "granular", "versioned",
                                 "sighting")]
        cls.ingest(d, cls.fin, batch1)
        O["b_amber"] = indicator("bank-b amber", "amber")
        O["b_green"] = indicator("bank-b green", "green")
        O["b_clear"] = indicator("bank-b clear", "clear")
        O["b_strict"] = indicator("bank-b amber+strict", "amber+strict")
        cls.ingest(d, cls.fin, [O[k] for k in ("b_amber", "b_green", "b_clear", "b_strict")],
                   origin="bank-b")
        cls.write_policy(d, policy_toml(identity))
        cls.server = cls.start_server(d)
        cls.client = TaxiiClient(cls.server.port)
        cls.as_ = {k: cls.client.as_token(t) for k, t in cls.tokens.items()}

        O["t_amber"] = indicator("posted by bank-b", "amber")
        O["versioned2"] = indicator("versioned v2", "amber+strict", id=O["versioned"]["id"],
                                    created=O["versioned"]["created"],
                                    modified="2026-02-01T00:00:00.000Z")
        O["strict_last"] = indicator("amber+strict last", "amber+strict")
        O["red_nobody"] = indicator("red for nobody", "red")
        cls.post(cls.as_["b"], cls.fin, [O["t_amber"]])
        cls.post(cls.as_["own"], cls.fin, [O["versioned2"], O["strict_last"], O["red_nobody"]])

        # date_added of every version, from the node's own manifest (it reads everything but
        # RED not naming my-cert)
        resp = cls.as_["own"].get("/api1/collections/%s/manifest/" % cls.fin,
                                  {"match[version]": "all"})
        if resp.status != 200:
            raise AssertionError(str(resp))
        body = resp.json()
        cls.added = {(e["id"], e["version"]): e["date_added"] for e in body["objects"]}

        # What each reader receives: name -> expected body (latest versions).
        def bank(o):
            return without(o, prefixes=("x_",))

        def partner(o):
            return without(o, prefixes=("x_internal_",))

        def no_desc(o):
            return without(o, "description", "granular_markings")

        cls.expected = {
            "a": {"clear": bank(O["clear"]), "green": bank(O["green"]),
                  "red_a": bank(O["red_a"]), "amber": bank(O["amber"]),
                  "unmarked": bank(O["unmarked"]), "granular": bank(no_desc(O["granular"])),
                  "b_green": bank(O["b_green"]), "b_clear": bank(O["b_clear"])},
            "b": {"clear": bank(O["clear"]), "green": bank(O["green"]),
                  "amber": bank(O["amber"]), "unmarked": bank(O["unmarked"]),
                  "granular": bank(no_desc(O["granular"])), "b_amber": bank(O["b_amber"]),
                  "b_green": bank(O["b_green"]), "b_clear": bank(O["b_clear"]),
                  "t_amber": bank(O["t_amber"])},
            "sg": {"clear": O["clear"], "strict1": O["strict1"], "strict2": O["strict2"],
                   "green": O["green"], "red_sg": O["red_sg"], "amber": partner(O["amber"]),
                   "unmarked": O["unmarked"], "granular": no_desc(O["granular"]),
                   "versioned2": O["versioned2"], "sighting": O["sighting"],
                   "b_clear": O["b_clear"], "strict_last": O["strict_last"]},
            "peer": {"clear": O["clear"], "green": O["green"], "amber": partner(O["amber"]),
                     "unmarked": O["unmarked"], "granular": no_desc(O["granular"]),
                     "sighting": O["sighting"], "b_clear": O["b_clear"]},
            "own": {k: O[k] for k in O if k not in ("red_nobody", "versioned")},
        }

    # --- helpers ----------------------------------------------------------------------------
    def objects_path(self, object_id=None, tail=""):
        p = "/api1/collections/%s/" % self.fin
        if object_id is None:
            return p + "objects/"
        return p + "objects/%s/%s" % (object_id, tail)

    def version_of(self, obj):
        return obj.get("modified") or obj.get("created")

    def date_added(self, obj):
        return self.added[(obj["id"], self.version_of(obj))]

    def in_order(self, reader):
        """The expected bodies of `reader` in date_added order."""
        bodies = list(self.expected[reader].values())
        return sorted(bodies, key=self.date_added)

    def withheld(self, reader):
        """Names of the objects `reader` never receives (latest versions)."""
        return [k for k in self.o if k not in self.expected[reader] and k != "versioned"]

    def check_date_headers(self, resp, first, last):
        self.assertEqual(resp.header("X-TAXII-Date-Added-First"), first, str(resp))
        self.assertEqual(resp.header("X-TAXII-Date-Added-Last"), last, str(resp))

    def walk_pages(self, client, path, limit, params=()):
        """Follows `next` from the first page; returns [(response, body)] of every page."""
        pages, token = [], None
        for _ in range(200):
            p = list(params) + [("limit", str(limit))]
            if token is not None:
                p.append(("next", token))
            resp = client.get(path, p)
            body = self.assert_taxii(resp)
            pages.append((resp, body))
            self.assertIn("more", body, str(resp))
            if not body["more"]:
                self.assertNotIn("next", body, str(resp))
                return pages
            self.assertTrue(body.get("next"), "more without next:\n%s" % resp)
            token = body["next"]
        self.fail("paging did not end after 200 pages")

    def assert_404_like_unknown(self, client, object_id, tail=""):
        """A withheld object's single-object (or versions) request looks exactly like a
        request for an id that does not exist."""
        resp = client.get(self.objects_path(object_id, tail))
        unknown_id = "%s--%s" % (object_id.split("--")[0], uuid.uuid4())
        unknown = client.get(self.objects_path(unknown_id, tail))
        self.assert_error(unknown, 404)
        self.assert_error(resp, 404)
        self.assertEqual(resp.text().replace(object_id, "ID"),
                         unknown.text().replace(unknown_id, "ID"))
        skip = {"date"}
        self.assertEqual({k.lower(): v for k, v in resp.headers.items() if k.lower() not in skip},
                         {k.lower(): v for k, v in unknown.headers.items()
                          if k.lower() not in skip})

    def check_reader(self, reader):
        """Every read path of `reader` gives exactly its expected objects."""
        client = self.as_[reader]
        want = self.in_order(reader)
        want_ids = [o["id"] for o in want]
        n = len(want)
        # object pages, for several page sizes: the union in order, each object once
        for limit in sorted({1, 2, 3, n - 1, n, n + 5}):
            with self.subTest(reader=reader, path="objects", limit=limit):
                pages = self.walk_pages(client, self.objects_path(), limit)
                got = []
                for resp, body in pages:
                    page = body.get("objects", [])
                    self.assertLessEqual(len(page), limit, str(resp))
                    if page:
                        self.check_date_headers(resp, self.date_added(page[0]),
                                                self.date_added(page[-1]))
                    got.extend(page)
                self.assertEqual([o["id"] for o in got], want_ids)
                self.assertEqual(got, want)
                # pages are full but the last; no empty page at the end
                self.assertEqual(len(pages), -(-n // limit), [len(b.get("objects", []))
                                                             for _, b in pages])
        # manifest: only what the reader receives, date_added and version as stored
        for limit in (2, n + 5):
            with self.subTest(reader=reader, path="manifest", limit=limit):
                pages = self.walk_pages(
                    client, "/api1/collections/%s/manifest/" % self.fin, limit)
                entries = []
                for resp, body in pages:
                    page = body.get("objects", [])
                    if page:
                        self.check_date_headers(resp, page[0]["date_added"],
                                                page[-1]["date_added"])
                    entries.extend(page)
                self.assertEqual(len(entries), n)
                self.assertEqual([(e["id"], e["version"], e["date_added"]) for e in entries],
                                 [(o["id"], self.version_of(o), self.date_added(o))
                                  for o in want])
                self.assertTrue(all(e["media_type"] == STIX_MEDIA_TYPE for e in entries),
                                entries)
        # one object, and its versions
        for o in want:
            with self.subTest(reader=reader, path="object", id=o["id"]):
                resp = client.get(self.objects_path(o["id"]))
                self.assertEqual(self.assert_taxii(resp),
                                 {"objects": [o], "more": False})
                self.check_date_headers(resp, self.date_added(o), self.date_added(o))
                resp = client.get(self.objects_path(o["id"], "versions/"))
                body = self.assert_taxii(resp)
                versions = [o]
                if o["id"] == self.o["versioned"]["id"]:
                    versions = [self.o["versioned"], o]  # whoever reads v2 may read v1
                self.assertEqual(body["versions"], [self.version_of(v) for v in versions])
                self.assertFalse(body["more"])
                self.check_date_headers(resp, self.date_added(versions[0]), self.date_added(o))
        for name in self.withheld(reader):
            with self.subTest(reader=reader, withheld=name):
                self.assert_404_like_unknown(client, self.o[name]["id"])
                if name != "versioned2":
                    self.assert_404_like_unknown(client, self.o[name]["id"], "versions/")

    # --- 1. the constituent -------------------------------------------------------------------
    def test_constituent_receives_only_what_the_policy_allows(self):
        self.check_reader("a")
        self.assertEqual(
            sorted(self.expected["a"]),
            sorted(["clear", "green", "red_a", "amber", "unmarked", "granular", "b_green",
                    "b_clear"]))

    def test_constituent_gets_older_versions_it_may_read_but_not_the_newest(self):
        """The versioned object's newest version is AMBER+STRICT: bank-a gets nothing for it
        in the collection's pages (no fallback to the older version), but its version list
        and match[version]=all hold the AMBER version."""
        a, v1, v2 = self.as_["a"], self.o["versioned"], self.o["versioned2"]
        self.assertNotIn(v1["id"], self.ids(a, self.fin))
        self.assert_404_like_unknown(a, v1["id"])
        resp = a.get(self.objects_path(v1["id"], "versions/"))
        body = self.assert_taxii(resp)
        self.assertEqual(body, {"more": False, "versions": [v1["modified"]]})
        self.check_date_headers(resp, self.date_added(v1), self.date_added(v1))
        resp = a.get(self.objects_path(v1["id"]), {"match[version]": "all"})
        self.assertEqual(self.assert_taxii(resp)["objects"], [v1])
        resp = a.get(self.objects_path(v1["id"]), {"match[version]": v2["modified"]})
        self.assert_error(resp, 404)
        # the whole collection with every version: the AMBER version in its place
        pages = self.walk_pages(a, self.objects_path(), 4, [("match[version]", "all")])
        got = [o for _, b in pages for o in b.get("objects", [])]
        self.assertEqual(got, sorted(self.in_order("a") + [v1], key=self.date_added))
        # the partner gets both versions
        body = self.assert_taxii(self.as_["sg"].get(self.objects_path(v1["id"], "versions/")))
        self.assertEqual(body["versions"], [v1["modified"], v2["modified"]])

    def test_last_page_says_no_more_when_only_withheld_objects_follow(self):
        a = self.as_["a"]
        want = self.in_order("a")
        last = want[-1]
        # the newest objects of the collection are withheld from bank-a
        self.assertLess(self.date_added(last), self.date_added(self.o["strict_last"]))
        resp = a.get(self.objects_path(), {"added_after": self.date_added(want[-2])})
        self.assertEqual(self.assert_taxii(resp), {"objects": [last], "more": False})
        self.check_date_headers(resp, self.date_added(last), self.date_added(last))
        resp = a.get(self.objects_path(), {"added_after": self.date_added(last)})
        self.assertEqual(self.assert_taxii(resp), {"more": False})
        self.assertIsNone(resp.header("X-TAXII-Date-Added-First"), str(resp))
        resp = a.get("/api1/collections/%s/manifest/" % self.fin,
                     {"added_after": self.date_added(last)})
        self.assertEqual(self.assert_taxii(resp), {"more": False})
        # a page that ends exactly at bank-a's last object
        resp = a.get(self.objects_path(), {"limit": str(len(want))})
        body = self.assert_taxii(resp)
        self.assertEqual((len(body["objects"]), body["more"]), (len(want), False), str(resp))
        self.check_date_headers(resp, self.date_added(want[0]), self.date_added(last))

    def test_origin_bound_objects_go_back_to_their_organisation(self):
        """bank-b's AMBER objects (ingested with --origin, or posted by its token) reach bank-b
        and the node, not bank-a; its GREEN reaches bank-a (same community), not sg-cert."""
        self.check_reader("b")
        for name in ("b_amber", "t_amber"):
            oid = self.o[name]["id"]
            self.assertIn(oid, self.ids(self.as_["b"], self.fin, {"match[id]": oid}))
            self.assertIn(oid, self.ids(self.as_["own"], self.fin, {"match[id]": oid}))
            for reader in ("a", "sg", "peer"):
                self.assert_404_like_unknown(self.as_[reader], oid)
        self.assertIn(self.o["b_green"]["id"], self.ids(self.as_["a"], self.fin))
        self.assert_404_like_unknown(self.as_["sg"], self.o["b_green"]["id"])

    # --- 2. the partner and the peer node -------------------------------------------------------
    def test_partner_receives_red_only_when_named(self):
        self.check_reader("sg")
        got = self.ids(self.as_["sg"], self.fin)
        self.assertIn(self.o["red_sg"]["id"], got)
        for name in ("red_a", "red_own", "red_nobody"):
            self.assertNotIn(self.o[name]["id"], got)

    def test_peer_node_never_receives_amber_strict_nor_red(self):
        self.check_reader("peer")
        pages = self.walk_pages(self.as_["peer"], self.objects_path(), 5,
                                [("match[version]", "all")])
        got = [(o["id"], o["modified"]) for _, b in pages for o in b.get("objects", [])]
        for name in ("strict1", "strict2", "versioned2", "strict_last", "red_sg", "red_a"):
            self.assertNotIn((self.o[name]["id"], self.o[name]["modified"]), got)
        self.assertNotIn(self.o["versioned"]["id"], self.ids(self.as_["peer"], self.fin))
        # but the versioned object's AMBER version reaches it when every version is asked for
        self.assertIn((self.o["versioned"]["id"], self.o["versioned"]["modified"]), got)

    def test_own_organisation_receives_objects_as_stored(self):
        self.check_reader("own")

    # --- 3. redaction, the audit log ------------------------------------------------------------
    def test_redaction_and_audit(self):
        g = self.o["granular"]
        start = utc_now()
        got = self.assert_taxii(self.as_["a"].get(self.objects_path(g["id"])))["objects"][0]
        for prop in ("description", "x_internal", "x_kongsi_recipients", "granular_markings"):
            self.assertNotIn(prop, got)
        self.assertEqual(got, without(g, "description", "granular_markings",
                                      prefixes=("x_",)))
        self.assertEqual((got["id"], got["modified"]), (g["id"], g["modified"]))
        # the node's own organisation (named in x_kongsi_recipients) receives it whole
        whole = self.assert_taxii(self.as_["own"].get(self.objects_path(g["id"])))
        self.assertEqual(whole["objects"], [g])
        # one not redacted, and a manifest
        self.assert_taxii(self.as_["a"].get(self.objects_path(self.o["clear"]["id"])))
        self.assert_taxii(self.as_["a"].get("/api1/collections/%s/manifest/" % self.fin))
        end = utc_now()

        out = self.cli_ok(self.node_dir, "audit", "--principal", "soc-bank-a", "--since", start,
                          "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        self.assertTrue(rows, out)
        for r in rows:
            self.assertEqual(r["principal"], "soc-bank-a", r)
            self.assertEqual(r["organisation"], "bank-a", r)
        redacted = {(r["channel"], r["object_id"], r["version"], r["redacted"]) for r in rows}
        self.assertIn(("taxii.object", g["id"], g["modified"], "true"), redacted)
        self.assertIn(("taxii.object", self.o["clear"]["id"], self.o["clear"]["modified"],
                       "false"), redacted)
        manifest = {r["object_id"] for r in rows if r["channel"] == "taxii.manifest"}
        self.assertEqual(manifest, {o["id"] for o in self.in_order("a")})
        # withheld objects are never in bank-a's disclosures
        withheld = {(self.o[k]["id"], self.o[k]["modified"]) for k in self.withheld("a")}
        everything = self.cli_ok(self.node_dir, "audit", "--principal", "soc-bank-a",
                                 "--format", "csv")
        all_rows = list(csv.DictReader(io.StringIO(everything, newline="")))
        self.assertFalse(withheld & {(r["object_id"], r["version"]) for r in all_rows})
        self.assertFalse(any(r["redacted"] == "true" for r in all_rows
                             if r["object_id"] in {self.o["clear"]["id"]}), all_rows)
        # --since after the reads: nothing
        later = self.cli_ok(self.node_dir, "audit", "--principal", "soc-bank-a", "--since", end,
                            "--format", "csv")
        self.assertEqual(list(csv.DictReader(io.StringIO(later, newline=""))), [])
        self.assertEqual(later.splitlines()[0],
                         "time,principal,organisation,channel,object_id,version,redacted")
        # the node's own reads are recorded as full
        own = self.cli_ok(self.node_dir, "audit", "--principal", "soc-own", "--since", start,
                          "--format", "csv")
        own_rows = [r for r in csv.DictReader(io.StringIO(own, newline=""))
                    if r["object_id"] == g["id"]]
        self.assertEqual([r["redacted"] for r in own_rows], ["false"], own)

    # --- 5. policy explain ----------------------------------------------------------------------
    def explain(self, principal, name, *extra):
        out = self.cli_ok(self.node_dir, "policy", "explain", "--principal", principal,
                          "--object", self.o[name]["id"], *extra)
        return [line.strip() for line in out.splitlines()]

    def test_explain(self):
        lines = self.explain("soc-bank-a", "strict1")
        self.assertIn("principal soc-bank-a: organisation bank-a", lines)
        self.assertIn("marked TLP:AMBER+STRICT", "\n".join(lines))
        self.assertIn('- agreement "finance-sector" allows up to TLP:AMBER', lines)
        self.assertEqual(lines[-1], "=> WITHHELD (tlp_above_agreement)")

        lines = self.explain("soc-bank-a", "red_a")
        self.assertIn("- TLP:RED, and the recipient is named in x_kongsi_recipients", lines)
        self.assertTrue(lines[-1].startswith("=> DISCLOSED"), lines)
        lines = self.explain("sg-analyst", "red_sg")
        self.assertEqual(lines[-1], "=> DISCLOSED as stored")
        lines = self.explain("sg-analyst", "red_a")
        self.assertEqual(lines[-1], "=> WITHHELD (red_not_named)")
        lines = self.explain("sg-node", "red_sg")
        self.assertIn("- TLP:RED is never forwarded to a peer node", lines)
        self.assertEqual(lines[-1], "=> WITHHELD (red_not_named)")
        lines = self.explain("sg-node", "strict1")
        self.assertEqual(lines[-1], "=> WITHHELD (needs_direct_agreement)")

        lines = self.explain("soc-bank-a", "granular")
        self.assertEqual(lines[-1], "=> DISCLOSED, REDACTED")
        removed = [line for line in lines if line.startswith("- removed ")]
        text = "\n".join(removed)
        for prop in ("description", "x_internal", "x_kongsi_recipients"):
            self.assertRegex(text, r"- removed %s\b" % re.escape(prop), lines)
        lines = self.explain("soc-own", "granular")
        self.assertEqual(lines[-1], "=> DISCLOSED as stored")

        lines = self.explain("soc-bank-a", "b_amber")
        self.assertTrue(any(line.startswith("- origin binding:") for line in lines), lines)
        self.assertEqual(lines[-1], "=> WITHHELD (origin_bound)")
        lines = self.explain("soc-bank-a", "sighting")
        self.assertEqual(lines[-1], "=> WITHHELD (sightings_not_shared)")

        lines = self.explain("soc-bank-a", "versioned", "--versions", "all")
        verdicts = [line for line in lines if line.startswith("=>")]
        self.assertEqual(verdicts, ["=> DISCLOSED as stored", "=> WITHHELD (tlp_above_agreement)"])

    # --- 7. export --for ------------------------------------------------------------------------
    def test_export_for_a_principal(self):
        out = self.cli_ok(self.node_dir, "export", "--for", "soc-bank-a", "--collection",
                          self.fin)
        bundle = json.loads(out)
        self.assertEqual(bundle["type"], "bundle")
        self.assertEqual(bundle["objects"], self.in_order("a"))
        out = self.cli_ok(self.node_dir, "export", "--for", "sg-node", "--collection", self.fin,
                          "--format", "jsonl")
        self.assertEqual([json.loads(line) for line in out.splitlines() if line.strip()],
                         self.in_order("peer"))
        p = self.run_cli(self.node_dir, "export", "--for", "soc-bank-a")
        self.assertEqual(p.returncode, 2, self.describe_run(("export", "--for"), p))
        self.assertIn("--collection", p.stderr.decode())
        self.assertEqual(p.stdout, b"")
        # audited as disclosures to the principal
        out = self.cli_ok(self.node_dir, "audit", "--principal", "soc-bank-a", "--format",
                          "jsonl")
        exported = [json.loads(line) for line in out.splitlines()
                    if json.loads(line)["channel"] == "export"]
        self.assertEqual({e["object_id"] for e in exported},
                         {o["id"] for o in self.in_order("a")})
        originals = {o["id"]: o for o in self.o.values()}
        redacted = {o["id"] for o in self.in_order("a") if o != originals[o["id"]]}
        self.assertEqual(redacted, {self.o[k]["id"] for k in ("red_a", "amber", "granular")})
        self.assertEqual({e["object_id"] for e in exported if e["redacted"]}, redacted)

    # --- 8. metrics -----------------------------------------------------------------------------
    def test_withheld_counts_in_metrics(self):
        for reader in ("a", "peer"):
            self.assert_taxii(self.as_[reader].get(self.objects_path()))
        resp = http_request(self.server.port, "GET", "/metrics")
        self.assertEqual(resp.status, 200, str(resp))
        counts = {(m.group(1), m.group(2)): float(m.group(3))
                  for m in WITHHELD_RE.finditer(resp.text())}
        for reason in ("tlp_above_agreement", "origin_bound", "red_not_named",
                       "sightings_not_shared"):
            self.assertGreater(counts.get(("soc-bank-a", reason), 0), 0, resp.text())
        self.assertGreater(counts.get(("sg-node", "needs_direct_agreement"), 0), 0, resp.text())


class PostedOriginTest(PolicyCase):
    """Origin binding of objects posted over TAXII by a principal the policy places in a
    partner organisation ([[principal]]), whatever its token was created for."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d, identity = cls.init_node("posting node")
        cls.node_dir = d
        cls.fin = cls.new_collection(d, "Finance", alias="fin")
        cls.tokens = {
            "a": cls.new_token(d, "soc-bank-a", read=["fin"], org="bank-a"),
            "sg": cls.new_token(d, "sg-analyst", read=["fin"], org="sg-cert"),
            "feed": cls.new_token(d, "sg-feed", read=["fin"], write=["fin"]),
            "own": cls.new_token(d, "soc-own", read=["*"]),
        }
        cls.red = indicator("red for my-cert", "red", x_kongsi_recipients=["my-cert"])
        cls.ingest(d, cls.fin, [cls.red])
        cls.write_policy(d, policy_toml(identity, extra="""
[[principal]]
name = "sg-feed"
organisation = "sg-cert"
"""))
        cls.server = cls.start_server(d)
        client = TaxiiClient(cls.server.port)
        cls.as_ = {k: client.as_token(t) for k, t in cls.tokens.items()}
        cls.amber = indicator("amber from sg-cert's feed", "amber")
        cls.green = indicator("green from sg-cert's feed", "green")
        cls.post(cls.as_["feed"], cls.fin, [cls.amber, cls.green])

    def test_posted_objects_are_bound_to_the_poster_organisation(self):
        want = sorted([self.amber["id"], self.green["id"]])
        self.assertEqual(sorted(self.ids(self.as_["sg"], self.fin)), want)
        self.assertEqual(sorted(self.ids(self.as_["own"], self.fin)),
                         sorted(want + [self.red["id"]]))
        # bank-a shares no community with sg-cert: neither the AMBER nor the GREEN object
        self.assertEqual(self.ids(self.as_["a"], self.fin), [])
        out = self.cli_ok(self.node_dir, "policy", "explain", "--principal", "soc-bank-a",
                          "--object", self.amber["id"])
        self.assertEqual(out.strip().splitlines()[-1].strip(), "=> WITHHELD (origin_bound)", out)

    def test_deleting_a_withheld_object_is_like_deleting_an_unknown_one(self):
        """sg-feed may write to `fin` but not read the RED object: deleting it is a 404 like
        for an id that does not exist, and the object stays."""
        path = "/api1/collections/%s/objects/%%s/" % self.fin
        unknown_id = stix_id("indicator")
        unknown = self.as_["feed"].delete(path % unknown_id)
        resp = self.as_["feed"].delete(path % self.red["id"])
        self.assert_error(unknown, 404)
        self.assert_error(resp, 404)
        self.assertEqual(resp.text().replace(self.red["id"], "ID"),
                         unknown.text().replace(unknown_id, "ID"))
        self.assertIn(self.red["id"], self.ids(self.as_["own"], self.fin))

    def test_audit_names_the_organisation_the_policy_places_a_principal_in(self):
        self.assertEqual(len(self.ids(self.as_["feed"], self.fin)), 2)
        out = self.cli_ok(self.node_dir, "audit", "--principal", "sg-feed", "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        self.assertEqual(len(rows), 2, out)
        self.assertEqual({r["organisation"] for r in rows}, {"sg-cert"}, out)


class ReloadTest(PolicyCase):
    """A server whose policy is changed while it runs: `kongsi policy reload` and SIGHUP. Each
    test has its own node: collection `fin` with a CLEAR, a GREEN and an AMBER object, and
    soc-bank-a; the policy lets bank-a have `fin` up to GREEN at first."""

    def setUp(self):
        super().setUp()
        d, self.identity = self.init_node("reload node")
        self.node_dir = d
        self.fin = self.new_collection(d, "Finance", alias="fin")
        self.token = self.new_token(d, "soc-bank-a", read=["fin"], org="bank-a")
        self.objs = {t: indicator(t, t) for t in ("clear", "green", "amber")}
        self.ingest(d, self.fin, list(self.objs.values()))
        self.path = "/api1/collections/%s/objects/" % self.fin

    def serve(self, policy=True):
        if policy:
            self.write_policy(self.node_dir, policy_toml(self.identity, bank_max_tlp="green"))
        self.server = self.start_server(self.node_dir, cleanup=self.addCleanup)
        pid_file = os.path.join(self.node_dir, "serve.pid")
        self.wait_for(lambda: os.path.exists(pid_file), "serve.pid")

    def visible(self, connection=None):
        headers = {"Accept": TAXII_MEDIA_TYPE, "Authorization": "Bearer " + self.token}
        resp = http_request(self.server.port, "GET", self.path, headers=headers,
                            connection=connection)
        body = self.assert_taxii(resp)
        by_id = {o["id"]: n for n, o in self.objs.items()}
        return sorted(by_id[o["id"]] for o in body.get("objects", []))

    def stderr_count(self, text):
        return sum(line.startswith(text) for line in self.server.stderr_text().splitlines())

    def reload_ok(self):
        before = self.stderr_count("kongsi: policy reloaded from")
        p = self.run_cli(self.node_dir, "policy", "reload")
        self.assertEqual(p.returncode, 0, self.describe_run(("policy", "reload"), p))
        self.wait_for(lambda: self.stderr_count("kongsi: policy reloaded from") > before,
                      "the server to reload its policy")

    def test_reload_widens_and_narrows_without_dropping_connections(self):
        self.serve()
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        self.addCleanup(conn.close)
        self.assertEqual(self.visible(conn), ["clear", "green"])
        sock = conn.sock  # kept open by the server (http.client would reconnect silently)
        self.assertIsNotNone(sock)
        self.write_policy(self.node_dir, policy_toml(self.identity, bank_max_tlp="amber"))
        self.reload_ok()
        self.assertEqual(self.visible(), ["amber", "clear", "green"])
        self.assertEqual(self.visible(conn), ["amber", "clear", "green"])
        self.assertIs(conn.sock, sock, "the connection opened before the reload was closed")
        # narrower: the agreement is gone, only CLEAR flows
        text = policy_toml(self.identity)
        text = text[:text.index("[[agreement]]")]
        self.write_policy(self.node_dir, text)
        self.reload_ok()
        self.assertEqual(self.visible(conn), ["clear"])
        self.assertEqual(self.visible(), ["clear"])
        self.assertIs(conn.sock, sock)
        self.assertTrue(self.server.running())

    def test_reload_puts_a_policy_written_after_the_start_in_force(self):
        """The server started without kongsi.toml (the built-in policy: bank-a gets CLEAR
        only); the operator writes one into the data directory and reloads."""
        self.serve(policy=False)
        self.assertEqual(self.visible(), ["clear"])
        self.write_policy(self.node_dir, policy_toml(self.identity, bank_max_tlp="amber"))
        self.reload_ok()
        self.assertEqual(self.visible(), ["amber", "clear", "green"])

    def test_broken_policy_is_refused_and_the_old_one_stays(self):
        self.serve()
        self.write_policy(self.node_dir, policy_toml(self.identity, bank_max_tlp="amber"))
        self.reload_ok()
        self.assertEqual(self.visible(), ["amber", "clear", "green"])
        broken = policy_toml(self.identity).replace('collections = ["fin"]',
                                                    'collections = ["no-such-collection"]', 1)
        self.write_policy(self.node_dir, broken)
        p = self.run_cli(self.node_dir, "policy", "reload")
        self.assertEqual(p.returncode, 1, self.describe_run(("policy", "reload"), p))
        self.assertIn("no-such-collection", p.stderr.decode())
        self.assertEqual(self.visible(), ["amber", "clear", "green"])
        self.assertEqual(self.stderr_count("kongsi: policy reload refused"), 0,
                         "a refused reload must not reach the server")
        # SIGHUP with the broken file: refused by the server, which keeps serving
        os.kill(self.server.proc.pid, signal.SIGHUP)
        self.wait_for(lambda: self.stderr_count("kongsi: policy reload refused") == 1,
                      "the server to refuse the policy")
        self.assertIn("no-such-collection", self.server.stderr_text())
        self.assertTrue(self.server.running(), self.server.describe())
        self.assertEqual(self.visible(), ["amber", "clear", "green"])
        # a file that is not even TOML
        self.write_policy(self.node_dir, "[[agreement]\nname = ")
        os.kill(self.server.proc.pid, signal.SIGHUP)
        self.wait_for(lambda: self.stderr_count("kongsi: policy reload refused") == 2,
                      "the server to refuse the policy")
        self.assertTrue(self.server.running(), self.server.describe())
        self.assertEqual(self.visible(), ["amber", "clear", "green"])
        # and a good policy again is taken
        self.write_policy(self.node_dir, policy_toml(self.identity, bank_max_tlp="green"))
        self.reload_ok()
        self.assertEqual(self.visible(), ["clear", "green"])
        self.assertEqual(self.server.stop(), 0, self.server.describe())


if __name__ == "__main__":
    unittest.main()
