#!/usr/bin/env python3
"""End-to-end tests of `kongsi serve`, the TAXII 2.1 server: every endpoint, every filter and
their combinations, adding and deleting objects, status resources, the error statuses (400,
403, 404, 405, 406, 413, 415), /healthz, /metrics and the access log.

One node and one server are shared by the whole class (tokens are slow to issue on purpose).
The node has these collections:
  main    read-only data for the filter tests, ingested with the CLI before the server starts
  rw      where the tests add and delete objects
  secret  nobody but the admin token may see it
  wo      the `reader` token may write but not read it
  cfg     made by the server at start from the config file ([[collection]])
and two API roots: api1 (every collection) and api2 (cfg and main only).

Paging (limit/next walks, concurrent writers) is in taxii_paging_test.py; authentication,
restarts, shutdown and TLS in taxii_auth_test.py.

Environment: KONGSI_BIN (the binary, set by CTest).
Run: KONGSI_BIN=build/debug/kongsi python3 tests/taxii_server_test.py -v
"""

import copy
import http.client
import json
import os
import re
import sqlite3
import threading
import time
import unittest
import uuid
from datetime import datetime, timezone

from node_case import (STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE, ServerTestCase, TaxiiClient,
                       http_request, raw_http, stix_identity, stix_indicator,
                       stix_ipv4, stix_malware, stix_relationship)

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
RFC3339_RE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z$")
MICROS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
MAX_CONTENT_LENGTH = 65536
CFG_COLLECTION = "2d3f6c1e-7a5b-4c8d-9e0f-1a2b3c4d5e6f"


def parse_ts(text):
    """An RFC 3339 UTC timestamp as a datetime (to the microsecond); ValueError otherwise."""
    m = RFC3339_RE.match(text or "")
    if not m:
        raise ValueError("not an RFC 3339 UTC timestamp: %r" % (text,))
    frac = (m.group(7) or "")[:6].ljust(6, "0")
    return datetime(*(int(g) for g in m.groups()[:6]), int(frac), tzinfo=timezone.utc)


def version_of(obj):
    v = obj.get("modified") or obj.get("created")
    return parse_ts(v) if v else None


def key_of(obj):
    return (obj["id"], version_of(obj))


def T(day, hour=0, rest="00:00.000"):
    return "2026-01-%02dT%02d:%sZ" % (day, hour, rest)


def build_dataset():
    """The objects of `main`, in ingest order: 11 objects, 14 versions. Each object's
    versions are ingested in the order of their `modified`, so an object's last version is
    also its last added one."""
    ind = [stix_indicator("203.0.113.%d" % (i + 1), modified=T(d))
           for i, d in enumerate([1, 2, 3, 2, 4, 1])]
    multi_id = "indicator--%s" % uuid.uuid4()
    multi = [stix_indicator("192.0.2.%d" % (i + 1), id=multi_id, created=T(1), modified=m)
             for i, m in enumerate([T(1), T(2), T(3, 12, "30:45.123")])]
    ident_id = "identity--%s" % uuid.uuid4()
    ident = [stix_identity("CERT Example", id=ident_id, created=T(1), modified=m)
             for m in (T(1), T(5))]
    mal = stix_malware("e2e malware", modified=T(1))
    sco = stix_ipv4("198.51.100.77")
    rel = stix_relationship(ind[0]["id"], mal["id"], modified=T(1))
    order = [ind[0], multi[0], ident[0], ind[1], mal, multi[1], ind[2], sco, ind[3], ident[1],
             rel, ind[4], multi[2], ind[5]]
    return order, {"ind": ind, "multi": multi, "ident": ident, "mal": mal, "sco": sco,
                   "rel": rel}


def expected(dataset, types=None, ids=None, versions=("last",), spec_versions=None,
             after=None):
    """What a TAXII query over `dataset` (in date_added order) returns, as (id, version) keys
    in date_added order. `versions` holds first / last / all / datetimes; `after` an index
    into `dataset` (added_after = that version's date_added)."""
    rows = [(i, o) for i, o in enumerate(dataset)
            if (types is None or o["type"] in types) and (ids is None or o["id"] in ids)
            and (spec_versions is None or o.get("spec_version", "2.1") in spec_versions)]
    by_id = {}
    for i, o in rows:
        by_id.setdefault(o["id"], []).append((i, o))
    chosen = set()
    for vs in by_id.values():
        vs = sorted(vs, key=lambda r: (version_of(r[1]) or datetime.min.replace(
            tzinfo=timezone.utc)))
        for sel in versions:
            if sel == "first":
                chosen.add(vs[0][0])
            elif sel == "last":
                chosen.add(vs[-1][0])
            elif sel == "all":
                chosen.update(i for i, _ in vs)
            else:
                chosen.update(i for i, o in vs if version_of(o) == sel)
    return [key_of(dataset[i]) for i in sorted(chosen) if after is None or i > after]


class TaxiiServerTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.node_dir = cls.new_node("CERT e2e")
        d = cls.node_dir
        cls.main = cls.new_collection(d, "Main feed", alias="main", description="filter data")
        cls.rw = cls.new_collection(d, "Read-write", alias="rw")
        cls.secret = cls.new_collection(d, "Secret", alias="secret")
        cls.wo = cls.new_collection(d, "Drop box", alias="wo")
        cls.empty = cls.new_collection(d, "Empty")
        cls.made_while_serving = []  # collections tests create while the server runs
        cls.dataset, cls.parts = build_dataset()
        cls.ingest_objects(d, cls.main, cls.dataset)

        cls.admin_token = cls.new_token(d, "admin-e2e", read=["*"], write=["*"])
        # aliases and ids both name collections in --read / --write
        cls.reader_token = cls.new_token(d, "reader", read=["main", cls.rw], write=["wo"])
        cls.writer_token = cls.new_token(d, "writer", read=[cls.rw], write=["rw"])
        cls.other_token = cls.new_token(d, "other", read=["rw"], write=[cls.rw])
        cls.partner_token = cls.new_token(d, "partner-poster", write=["rw"], org="Partner Bank")
        cls.nobody_token = cls.new_token(d, "nobody")

        cls.access_log = os.path.join(os.path.dirname(d), "access.log")
        config = """
[server]
listen = "127.0.0.1:0"
max_content_length = %(mcl)d
access_log = "%(log)s"

[taxii]
title = "kongsi e2e"
description = "end-to-end test node"
contact = "cert@example.org"

[[taxii.api_root]]
name = "api1"
title = "Everything"
collections = ["*"]

[[taxii.api_root]]
name = "api2"
title = "Partners"
collections = ["cfg", "%(main)s"]

[[collection]]
id = "%(cfg)s"
title = "From config"
alias = "cfg"
""" % {"mcl": MAX_CONTENT_LENGTH, "log": cls.access_log, "main": cls.main, "cfg": CFG_COLLECTION}
        cls.server = cls.start_server(d, config)
        cls.base = "%s://127.0.0.1:%d" % (cls.server.scheme, cls.server.port)
        cls.admin = TaxiiClient(cls.server.port, cls.admin_token)
        cls.reader = TaxiiClient(cls.server.port, cls.reader_token)
        cls.writer = TaxiiClient(cls.server.port, cls.writer_token)
        cls.other = TaxiiClient(cls.server.port, cls.other_token)
        cls.partner = TaxiiClient(cls.server.port, cls.partner_token)
        cls.nobody = TaxiiClient(cls.server.port, cls.nobody_token)
        cls.anon = TaxiiClient(cls.server.port, None)

    # --- helpers ----------------------------------------------------------------------------
    def objects_path(self, collection=None, root="api1"):
        return "/%s/collections/%s/objects/" % (root, collection or self.main)

    def manifest_path(self, collection=None):
        return "/api1/collections/%s/manifest/" % (collection or self.main)

    def object_path(self, object_id, collection=None):
        return "/api1/collections/%s/objects/%s/" % (collection or self.main, object_id)

    def get_objects(self, params=None, client=None, collection=None):
        resp = (client or self.admin).get(self.objects_path(collection), params)
        body = self.assert_taxii(resp, 200)
        self.assertIn("more", body, str(resp))
        return resp, body

    def keys(self, body):
        return [key_of(o) for o in body.get("objects", [])]

    def manifest_date_added(self):
        """(id, version) -> date_added text, from the manifest of every version of main."""
        body = self.assert_taxii(self.admin.get(self.manifest_path(), {"match[version]": "all"}))
        out = {}
        for e in body["objects"]:
            v = None if e["id"] == self.parts["sco"]["id"] else parse_ts(e["version"])
            out[(e["id"], v)] = e["date_added"]
        return out

    def assert_query(self, params, **model):
        """GET objects and GET manifest with `params` both return what `expected` says."""
        want = expected(self.dataset, **model)
        resp, body = self.get_objects(params)
        self.assertEqual(self.keys(body), want, "objects %s\n%s" % (params, resp))
        self.assertFalse(body["more"], str(resp))
        mresp = self.admin.get(self.manifest_path(), params)
        mbody = self.assert_taxii(mresp, 200)
        got = [(e["id"], None if e["id"] == self.parts["sco"]["id"] else parse_ts(e["version"]))
               for e in mbody.get("objects", [])]
        self.assertEqual(got, want, "manifest %s\n%s" % (params, mresp))
        return body

    def post(self, objects, client=None, collection=None, expect=202):
        resp = (client or self.writer).post(self.objects_path(collection or self.rw),
                                            {"objects": objects})
        return self.assert_taxii(resp, expect)

    def assert_status_resource(self, status, total, success, failure):
        self.assertTrue(UUID_RE.match(status.get("id", "")), status)
        self.assertEqual(status.get("status"), "complete", status)
        parse_ts(status.get("request_timestamp"))
        self.assertEqual(status.get("total_count"), total, status)
        self.assertEqual(status.get("success_count"), success, status)
        self.assertEqual(status.get("failure_count"), failure, status)
        self.assertEqual(status.get("pending_count"), 0, status)
        self.assertEqual(len(status.get("successes", [])), success, status)
        self.assertEqual(len(status.get("failures", [])), failure, status)
        self.assertFalse(status.get("pendings"), status)

    # --- discovery, API roots, collections ---------------------------------------------------
    def test_discovery(self):
        body = self.assert_taxii(self.admin.get("/taxii2/"))
        self.assertEqual(body["title"], "kongsi e2e")
        self.assertEqual(body.get("description"), "end-to-end test node")
        self.assertEqual(body.get("contact"), "cert@example.org")
        roots = [self.base + "/api1/", self.base + "/api2/"]
        self.assertEqual(sorted(body.get("api_roots", [])), roots, body)
        self.assertIn(body.get("default"), roots, body)
        for url in body["api_roots"]:  # absolute URLs that work
            path = url[len(self.base):]
            info = self.assert_taxii(self.admin.get(path))
            self.assertIn(TAXII_MEDIA_TYPE, info["versions"])

    def test_api_root_information(self):
        for root, title in (("api1", "Everything"), ("api2", "Partners")):
            body = self.assert_taxii(self.admin.get("/%s/" % root))
            self.assertEqual(body["title"], title, body)
            self.assertEqual(body["versions"], [TAXII_MEDIA_TYPE], body)
            self.assertEqual(body["max_content_length"], MAX_CONTENT_LENGTH, body)

    def test_unknown_api_root_is_404(self):
        for path in ("/api3/", "/api3/collections/", "/taxii3/"):
            self.assert_error(self.admin.get(path), 404)

    def check_collection_resource(self, c, can_read, can_write):
        self.assertTrue(UUID_RE.match(c["id"]), c)
        self.assertIsInstance(c["title"], str, c)
        self.assertIs(c["can_read"], can_read, c)
        self.assertIs(c["can_write"], can_write, c)
        self.assertEqual(c["media_types"], [STIX_MEDIA_TYPE], c)

    def test_collections_for_admin(self):
        body = self.assert_taxii(self.admin.get("/api1/collections/"))
        by_id = {c["id"]: c for c in body["collections"]}
        want = {self.main: ("Main feed", "main"), self.rw: ("Read-write", "rw"),
                self.secret: ("Secret", "secret"), self.wo: ("Drop box", "wo"),
                self.empty: ("Empty", None),
                CFG_COLLECTION: ("From config", "cfg")}
        self.assertEqual(set(by_id), set(want) | set(self.made_while_serving), body)
        for cid, (title, alias) in want.items():
            self.check_collection_resource(by_id[cid], True, True)
            self.assertEqual(by_id[cid]["title"], title)
            self.assertEqual(by_id[cid].get("alias"), alias)
        self.assertEqual(by_id[self.main].get("description"), "filter data")

    def test_collections_for_reader_show_rights(self):
        body = self.assert_taxii(self.reader.get("/api1/collections/"))
        by_id = {c["id"]: c for c in body["collections"]}
        self.assertEqual(set(by_id), {self.main, self.rw, self.wo}, body)
        self.check_collection_resource(by_id[self.main], True, False)
        self.check_collection_resource(by_id[self.rw], True, False)
        self.check_collection_resource(by_id[self.wo], False, True)
        one = self.assert_taxii(self.reader.get("/api1/collections/%s/" % self.wo))
        self.assertEqual(one, by_id[self.wo])

    def test_collections_for_token_without_rights_is_empty(self):
        self.assertEqual(self.assert_taxii(self.nobody.get("/api1/collections/")), {})

    def test_one_collection(self):
        body = self.assert_taxii(self.admin.get("/api1/collections/%s/" % self.main))
        self.check_collection_resource(body, True, True)
        self.assertEqual((body["id"], body["title"], body.get("alias")),
                         (self.main, "Main feed", "main"))
        listed = self.assert_taxii(self.admin.get("/api1/collections/"))["collections"]
        self.assertIn(body, listed)

    def test_collection_from_config_exists_in_the_store(self):
        listed = json.loads(self.cli_ok(self.node_dir, "collections", "list", "--json"))
        cfg = [c for c in listed if c["id"] == CFG_COLLECTION]
        self.assertEqual(len(cfg), 1, listed)
        self.assertEqual((cfg[0]["title"], cfg[0]["alias"]), ("From config", "cfg"))

    def test_second_api_root_exposes_only_its_collections(self):
        body = self.assert_taxii(self.admin.get("/api2/collections/"))
        self.assertEqual({c["id"] for c in body["collections"]}, {self.main, CFG_COLLECTION})
        for cid in (self.rw, self.secret):
            self.assert_error(self.admin.get("/api2/collections/%s/" % cid), 404)
            self.assert_error(self.admin.get("/api2/collections/%s/objects/" % cid), 404)
            self.assert_error(self.admin.post("/api2/collections/%s/objects/" % cid,
                                              {"objects": [stix_indicator()]}), 404)
        via2 = self.assert_taxii(self.admin.get(self.objects_path(root="api2")))
        _, via1 = self.get_objects()
        self.assertEqual(via2, via1)
        # the reader sees main through api2, and never cfg
        body = self.assert_taxii(self.reader.get("/api2/collections/"))
        self.assertEqual([c["id"] for c in body["collections"]], [self.main])

    def test_paths_without_trailing_slash(self):
        oid = self.parts["multi"][0]["id"]
        for path in ("/taxii2/", "/api1/", "/api1/collections/",
                     "/api1/collections/%s/" % self.main, self.objects_path(),
                     self.manifest_path(), self.object_path(oid),
                     self.object_path(oid) + "versions/"):
            with_slash = self.assert_taxii(self.admin.get(path))
            without = self.assert_taxii(self.admin.get(path.rstrip("/")))
            self.assertEqual(without, with_slash, path)
        obj = stix_indicator()
        status = self.assert_taxii(
            self.writer.post(self.objects_path(self.rw).rstrip("/"), {"objects": [obj]}), 202)
        self.assertEqual(status["success_count"], 1, status)

    # --- objects and manifest: filters --------------------------------------------------------
    def test_manifest_lists_every_version_in_ingest_order(self):
        resp = self.admin.get(self.manifest_path(), {"match[version]": "all"})
        body = self.assert_taxii(resp)
        self.assertFalse(body["more"])
        entries = body["objects"]
        self.assertEqual([e["id"] for e in entries], [o["id"] for o in self.dataset], body)
        added = [parse_ts(e["date_added"]) for e in entries]
        self.assertEqual(added, sorted(set(added)), "date_added must strictly increase")
        for e, o in zip(entries, self.dataset):
            self.assertEqual(e["media_type"], STIX_MEDIA_TYPE, e)
            parse_ts(e["version"])
            if o is not self.parts["sco"]:
                self.assertEqual(parse_ts(e["version"]), version_of(o), e)
        self.assertEqual(parse_ts(resp.header("X-TAXII-Date-Added-First")), added[0])
        self.assertEqual(parse_ts(resp.header("X-TAXII-Date-Added-Last")), added[-1])

    def test_objects_default_is_latest_version_of_each(self):
        resp, body = self.get_objects()
        self.assertEqual(self.keys(body), expected(self.dataset))
        self.assertEqual(len(body["objects"]), 11)
        self.assertFalse(body["more"])
        self.assertNotIn("next", body)
        latest = {key_of(o): o for o in self.dataset}
        for o in body["objects"]:  # bodies come back as they were stored
            self.assertEqual(o, latest[key_of(o)])

    def test_date_added_headers(self):
        added = self.manifest_date_added()
        resp, body = self.get_objects()
        first = resp.header("X-TAXII-Date-Added-First")
        last = resp.header("X-TAXII-Date-Added-Last")
        self.assertRegex(first or "", MICROS_RE, str(resp))
        self.assertRegex(last or "", MICROS_RE, str(resp))
        keys = self.keys(body)
        self.assertEqual(parse_ts(first), parse_ts(added[keys[0]]))
        self.assertEqual(parse_ts(last), parse_ts(added[keys[-1]]))
        # a filtered answer: the headers follow the objects returned
        resp, body = self.get_objects({"match[type]": "identity"})
        ident = self.parts["ident"]
        self.assertEqual(self.keys(body), [key_of(ident[1])])
        self.assertEqual(parse_ts(resp.header("X-TAXII-Date-Added-First")),
                         parse_ts(added[key_of(ident[1])]))
        self.assertEqual(parse_ts(resp.header("X-TAXII-Date-Added-Last")),
                         parse_ts(added[key_of(ident[1])]))

    def test_match_type(self):
        self.assert_query({"match[type]": "indicator"}, types={"indicator"})
        self.assert_query({"match[type]": "identity"}, types={"identity"})
        self.assert_query({"match[type]": "ipv4-addr"}, types={"ipv4-addr"})
        self.assert_query({"match[type]": "indicator,malware,relationship"},
                          types={"indicator", "malware", "relationship"})
        self.assert_query({"match[type]": "campaign"}, types={"campaign"})

    def test_match_id(self):
        ind, multi = self.parts["ind"], self.parts["multi"]
        self.assert_query({"match[id]": ind[2]["id"]}, ids={ind[2]["id"]})
        ids = {multi[0]["id"], self.parts["sco"]["id"], self.parts["rel"]["id"]}
        self.assert_query({"match[id]": ",".join(sorted(ids))}, ids=ids)
        missing = "indicator--%s" % uuid.uuid4()
        body = self.assert_query({"match[id]": missing}, ids={missing})
        self.assertFalse(body.get("objects"), body)

    def test_match_version(self):
        self.assert_query({"match[version]": "last"})
        self.assert_query({"match[version]": "first"}, versions=("first",))
        self.assert_query({"match[version]": "all"}, versions=("all",))
        self.assert_query({"match[version]": "first,last"}, versions=("first", "last"))
        self.assert_query({"match[version]": "last,first"}, versions=("first", "last"))
        self.assertEqual(len(expected(self.dataset, versions=("first", "last"))), 13)

    def test_match_version_timestamps(self):
        jan2 = parse_ts(T(2))
        self.assert_query({"match[version]": T(2)}, versions=(jan2,))
        self.assertEqual(len(expected(self.dataset, versions=(jan2,))), 3)
        # the same instant written differently
        self.assert_query({"match[version]": "2026-01-02T00:00:00Z"}, versions=(jan2,))
        ms = parse_ts(T(3, 12, "30:45.123"))
        self.assert_query({"match[version]": "2026-01-03T12:30:45.123000Z"}, versions=(ms,))
        self.assertEqual(len(expected(self.dataset, versions=(ms,))), 1)
        self.assert_query({"match[version]": "%s,%s" % (T(2), T(5))},
                          versions=(jan2, parse_ts(T(5))))
        self.assert_query({"match[version]": "first,%s" % T(2)}, versions=("first", jan2))
        self.assert_query({"match[version]": "2030-01-01T00:00:00.000Z"},
                          versions=(parse_ts("2030-01-01T00:00:00.000Z"),))

    def test_match_spec_version(self):
        self.assert_query({"match[spec_version]": "2.1"}, spec_versions={"2.1"})
        self.assert_query({"match[spec_version]": "2.0"}, spec_versions={"2.0"})
        self.assert_query({"match[spec_version]": "2.0,2.1"}, spec_versions={"2.0", "2.1"})
        self.assert_query({"match[spec_version]": "2.1", "match[version]": "all"},
                          spec_versions={"2.1"}, versions=("all",))

    def test_added_after(self):
        added = self.manifest_date_added()
        for i in (0, 5, 9, 12, 13):
            after = added[key_of(self.dataset[i])]
            self.assert_query({"added_after": after, "match[version]": "all"},
                              versions=("all",), after=i)
            self.assert_query({"added_after": after}, after=i)
        body = self.assert_query({"added_after": added[key_of(self.dataset[-1])]}, after=13)
        self.assertFalse(body.get("objects"))
        self.assert_query({"added_after": "2000-01-01T00:00:00Z"})

    def test_added_after_from_header_continues(self):
        """TAXII 2.1 paging by date: the next request's added_after is the previous
        response's X-TAXII-Date-Added-Last."""
        resp, body = self.get_objects({"match[version]": "all", "limit": "5"})
        self.assertTrue(body["more"])
        seen = self.keys(body)
        for _ in range(20):
            if not body["more"]:
                break
            resp, body = self.get_objects({"match[version]": "all", "limit": "5",
                                           "added_after": resp.header("X-TAXII-Date-Added-Last")})
            seen += self.keys(body)
        self.assertEqual(seen, expected(self.dataset, versions=("all",)))

    def test_filter_combinations(self):
        ind, multi, ident = self.parts["ind"], self.parts["multi"], self.parts["ident"]
        added = self.manifest_date_added()
        jan2 = parse_ts(T(2))
        cases = [
            ({"match[type]": "indicator", "match[version]": "all"},
             dict(types={"indicator"}, versions=("all",))),
            ({"match[type]": "indicator", "match[version]": "first"},
             dict(types={"indicator"}, versions=("first",))),
            ({"match[type]": "indicator,identity", "match[version]": "first,last"},
             dict(types={"indicator", "identity"}, versions=("first", "last"))),
            ({"match[id]": "%s,%s" % (multi[0]["id"], ident[0]["id"]), "match[version]": "all"},
             dict(ids={multi[0]["id"], ident[0]["id"]}, versions=("all",))),
            ({"match[id]": multi[0]["id"], "match[version]": T(2)},
             dict(ids={multi[0]["id"]}, versions=(jan2,))),
            ({"match[type]": "indicator", "match[version]": T(2)},
             dict(types={"indicator"}, versions=(jan2,))),
            ({"match[type]": "identity", "match[id]": multi[0]["id"]},
             dict(types={"identity"}, ids={multi[0]["id"]})),
            ({"match[type]": "indicator", "match[spec_version]": "2.1",
              "match[version]": "all", "added_after": added[key_of(self.dataset[4])]},
             dict(types={"indicator"}, spec_versions={"2.1"}, versions=("all",), after=4)),
            ({"match[id]": ",".join(o["id"] for o in ind[:3]) + "," + multi[0]["id"],
              "added_after": added[key_of(self.dataset[3])]},
             dict(ids={o["id"] for o in ind[:3]} | {multi[0]["id"]}, after=3)),
            ({"match[type]": "indicator", "match[version]": "first,last",
              "match[spec_version]": "2.0"},
             dict(types={"indicator"}, versions=("first", "last"), spec_versions={"2.0"})),
        ]
        for params, model in cases:
            with self.subTest(params=params):
                self.assert_query(params, **model)

    def test_repeated_filter_parameters_add_values(self):
        # "a filter given twice adds its values": match[type]=a&match[type]=b == a,b
        params = [("match[type]", "malware"), ("match[type]", "relationship")]
        self.assert_query(params, types={"malware", "relationship"})

    def test_percent_encoded_parameters(self):
        """Clients such as taxii2-client (requests) encode [ ] : and , in queries."""
        added = self.manifest_date_added()
        after = added[key_of(self.dataset[2])]
        q = "?match%5Btype%5D=indicator%2Cidentity&match%5Bversion%5D=all&added_after=" + \
            after.replace(":", "%3A")
        resp = self.admin.get(self.objects_path() + q)
        body = self.assert_taxii(resp)
        self.assertEqual(self.keys(body), expected(self.dataset, types={"indicator", "identity"},
                                                   versions=("all",), after=2), str(resp))

    def test_limit_and_next_walk_equals_one_request(self):
        for params in ({}, {"match[version]": "all"}, {"match[type]": "indicator"},
                       {"match[type]": "indicator", "match[version]": "first,last"}):
            for limit in (1, 2, 3, 5):
                with self.subTest(params=params, limit=limit):
                    want = self.get_objects(params)[1].get("objects", [])
                    got, pages = self.walk(self.admin, self.objects_path(), params, limit=limit)
                    self.assertEqual(got, want)
                    self.assertEqual(pages, max(1, -(-len(want) // limit)))
                    mwant = self.assert_taxii(self.admin.get(self.manifest_path(), params))
                    mgot, _ = self.walk(self.admin, self.manifest_path(), params, limit=limit)
                    self.assertEqual(mgot, mwant.get("objects", []))

    def test_limit_page_is_full_and_more_is_set(self):
        resp, body = self.get_objects({"limit": "4"})
        self.assertEqual(self.keys(body), expected(self.dataset)[:4], str(resp))
        self.assertIs(body["more"], True)
        self.assertIsInstance(body.get("next"), str)
        # a limit equal to what matches: everything, and no more
        resp, body = self.get_objects({"limit": "11"})
        self.assertEqual(len(body["objects"]), 11)
        self.assertIs(body["more"], False, str(resp))
        resp, body = self.get_objects({"limit": "1000"})
        self.assertEqual(len(body["objects"]), 11)
        self.assertIs(body["more"], False, str(resp))

    def test_empty_collection(self):
        empty = self.empty
        resp, body = self.get_objects(collection=empty)
        self.assertFalse(body.get("objects"), str(resp))
        self.assertIs(body["more"], False)
        mbody = self.assert_taxii(self.admin.get(self.manifest_path(empty)))
        self.assertFalse(mbody.get("objects"), mbody)
        self.assertIs(mbody.get("more", False), False)

    # --- one object, its versions ---------------------------------------------------------
    def test_get_object(self):
        multi = self.parts["multi"]
        path = self.object_path(multi[0]["id"])
        body = self.assert_taxii(self.admin.get(path))
        self.assertEqual(body.get("objects"), [multi[2]], "default: the latest version only")
        self.assertFalse(body["more"])
        body = self.assert_taxii(self.admin.get(path, {"match[version]": "all"}))
        self.assertEqual(body["objects"], multi)
        body = self.assert_taxii(self.admin.get(path, {"match[version]": "first"}))
        self.assertEqual(body["objects"], [multi[0]])
        body = self.assert_taxii(self.admin.get(path, {"match[version]": "first,last"}))
        self.assertEqual(body["objects"], [multi[0], multi[2]])
        body = self.assert_taxii(self.admin.get(path, {"match[version]": T(2)}))
        self.assertEqual(body["objects"], [multi[1]])
        body = self.assert_taxii(self.admin.get(path, {"match[spec_version]": "2.1",
                                                       "match[version]": "all"}))
        self.assertEqual(body["objects"], multi)
        sco = self.parts["sco"]
        body = self.assert_taxii(self.admin.get(self.object_path(sco["id"])))
        self.assertEqual(body["objects"], [sco])

    def test_get_object_added_after_and_paging(self):
        multi = self.parts["multi"]
        path = self.object_path(multi[0]["id"])
        added = self.manifest_date_added()
        body = self.assert_taxii(self.admin.get(path, {"match[version]": "all",
                                                       "added_after": added[key_of(multi[0])]}))
        self.assertEqual(body["objects"], multi[1:])
        resp = self.admin.get(path, {"match[version]": "all", "limit": "1"})
        body = self.assert_taxii(resp)
        self.assertEqual(body["objects"], [multi[0]])
        self.assertTrue(body["more"])
        self.assertEqual(parse_ts(resp.header("X-TAXII-Date-Added-First")),
                         parse_ts(added[key_of(multi[0])]))
        got, pages = self.walk(self.admin, path, {"match[version]": "all"}, limit=1)
        self.assertEqual((got, pages), (multi, 3))
        got, pages = self.walk(self.admin, path, {"match[version]": "all"}, limit=2)
        self.assertEqual((got, pages), (multi, 2))

    def test_get_unknown_object_is_404(self):
        for oid in ("indicator--%s" % uuid.uuid4(), self.parts["ind"][0]["id"]):
            # the second exists, but not in this collection
            self.assert_error(self.admin.get(self.object_path(oid, self.rw)), 404)
            self.assert_error(self.admin.get(self.object_path(oid, self.rw) + "versions/"), 404)

    def test_versions(self):
        multi, added = self.parts["multi"], self.manifest_date_added()
        path = self.object_path(multi[0]["id"]) + "versions/"
        resp = self.admin.get(path)
        body = self.assert_taxii(resp)
        self.assertIs(body["more"], False, body)
        self.assertEqual([parse_ts(v) for v in body["versions"]],
                         [version_of(o) for o in multi], body)
        body = self.assert_taxii(self.admin.get(path, {"match[spec_version]": "2.1"}))
        self.assertEqual(len(body["versions"]), 3)
        body = self.assert_taxii(self.admin.get(path, {"added_after": added[key_of(multi[0])]}))
        self.assertEqual([parse_ts(v) for v in body["versions"]],
                         [version_of(o) for o in multi[1:]], body)
        ident = self.parts["ident"]
        body = self.assert_taxii(self.admin.get(self.object_path(ident[0]["id"]) + "versions/"))
        self.assertEqual([parse_ts(v) for v in body["versions"]], [version_of(o) for o in ident])
        body = self.assert_taxii(self.admin.get(self.object_path(self.parts["sco"]["id"])
                                                + "versions/"))
        self.assertEqual(len(body["versions"]), 1, body)

    def test_versions_limit(self):
        multi, added = self.parts["multi"], self.manifest_date_added()
        path = self.object_path(multi[0]["id"]) + "versions/"
        resp = self.admin.get(path, {"limit": "2"})
        body = self.assert_taxii(resp)
        self.assertEqual([parse_ts(v) for v in body["versions"]],
                         [version_of(o) for o in multi[:2]], body)
        self.assertIs(body["more"], True, body)
        # TAXII 2.1 section 5.7: versions responses carry the date_added headers too
        last = resp.header("X-TAXII-Date-Added-Last")
        self.assertIsNotNone(last, str(resp))
        self.assertEqual(parse_ts(last), parse_ts(added[key_of(multi[1])]))
        body = self.assert_taxii(self.admin.get(path, {"limit": "2", "added_after": last}))
        self.assertEqual([parse_ts(v) for v in body["versions"]], [version_of(multi[2])])
        self.assertIs(body["more"], False, body)

    # --- adding objects, status resources ------------------------------------------------------
    def test_post_objects_and_read_them_back(self):
        objs = [stix_indicator(), stix_identity("Poster Org"), stix_malware("poster")]
        resp = self.writer.post(self.objects_path(self.rw), {"objects": objs})
        status = self.assert_taxii(resp, 202)
        self.assert_status_resource(status, 3, 3, 0)
        self.assertEqual(sorted((s["id"], parse_ts(s["version"])) for s in status["successes"]),
                         sorted(key_of(o) for o in objs))
        again = self.assert_taxii(self.writer.get("/api1/status/%s/" % status["id"]))
        self.assertEqual(again, status)
        for o in objs:
            body = self.assert_taxii(self.writer.get(self.object_path(o["id"], self.rw)))
            self.assertEqual(body["objects"], [o])
        body = self.assert_taxii(self.writer.get(
            self.objects_path(self.rw), {"match[id]": ",".join(o["id"] for o in objs)}))
        self.assertEqual(sorted(o["id"] for o in body["objects"]),
                         sorted(o["id"] for o in objs))
        # the status resource path works without its final slash too
        self.assertEqual(self.assert_taxii(
            self.writer.get("/api1/status/%s" % status["id"])), status)

    def test_posted_objects_record_the_senders_organisation(self):
        # Origin binding in the sharing policy depends on knowing whose objects these are.
        from_partner = stix_indicator()
        from_writer = stix_indicator()  # the writer token has no organisation
        self.assert_taxii(self.partner.post(self.objects_path(self.rw), {"objects": [from_partner]}),
                          202)
        self.assert_taxii(self.writer.post(self.objects_path(self.rw), {"objects": [from_writer]}),
                          202)
        path = os.path.join(self.node_dir, "store.db")
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)
        self.addCleanup(db.close)
        origins = dict(db.execute("SELECT id, origin_org FROM objects WHERE id IN (?, ?)",
                                  (from_partner["id"], from_writer["id"])).fetchall())
        self.assertEqual(origins, {from_partner["id"]: "Partner Bank", from_writer["id"]: ""})

    def test_post_stores_valid_objects_and_reports_invalid_ones(self):
        good = [stix_indicator(), stix_indicator()]
        no_pattern = stix_indicator()
        del no_pattern["pattern"]
        backwards = stix_indicator(created=T(5), modified=T(1))  # modified before created
        bad_id = stix_indicator(id="indicator--not-a-uuid")
        objs = [good[0], no_pattern, backwards, good[1], bad_id]
        status = self.post(objs)
        self.assert_status_resource(status, 5, 2, 3)
        self.assertEqual(sorted(s["id"] for s in status["successes"]),
                         sorted(o["id"] for o in good))
        failures = {f["id"]: f for f in status["failures"]}
        self.assertEqual(set(failures), {no_pattern["id"], backwards["id"], bad_id["id"]}, status)
        for f in status["failures"]:
            self.assertIsInstance(f.get("message"), str, f)
            self.assertTrue(f["message"].strip(), f)
        self.assertIn("pattern", failures[no_pattern["id"]]["message"].lower())
        self.assertIn("modified", failures[backwards["id"]]["message"].lower())
        for o in good:
            self.assert_taxii(self.writer.get(self.object_path(o["id"], self.rw)))
        for o in (no_pattern, backwards):
            self.assert_error(self.writer.get(self.object_path(o["id"], self.rw)), 404)
        self.assertEqual(self.assert_taxii(
            self.writer.get("/api1/status/%s/" % status["id"])), status)

    def test_post_same_object_again_is_success_different_body_is_failure(self):
        obj = stix_indicator()
        self.assert_status_resource(self.post([obj]), 1, 1, 0)
        again = self.post([copy.deepcopy(obj)])
        self.assert_status_resource(again, 1, 1, 0)
        self.assertEqual(again["successes"][0]["id"], obj["id"])
        # same object with keys in another order is still the same object
        reordered = dict(reversed(list(obj.items())))
        self.assert_status_resource(self.post([reordered]), 1, 1, 0)
        changed = dict(obj, name="a different body under the same id and modified")
        status = self.post([changed])
        self.assert_status_resource(status, 1, 0, 1)
        self.assertEqual(status["failures"][0]["id"], obj["id"])
        self.assertTrue(status["failures"][0].get("message"))
        body = self.assert_taxii(self.writer.get(self.object_path(obj["id"], self.rw),
                                                 {"match[version]": "all"}))
        self.assertEqual(body["objects"], [obj], "the first body is kept")
        # a new version (later modified) is a success
        newer = dict(obj, modified=T(9), name="newer")
        self.assert_status_resource(self.post([newer]), 1, 1, 0)
        body = self.assert_taxii(self.writer.get(self.object_path(obj["id"], self.rw)))
        self.assertEqual(body["objects"], [newer])

    def test_post_same_object_twice_in_one_request(self):
        obj = stix_indicator()
        status = self.post([obj, copy.deepcopy(obj)])
        self.assertEqual(status["total_count"], 2, status)
        self.assertEqual(status["success_count"], 2, status)
        body = self.assert_taxii(self.writer.get(self.object_path(obj["id"], self.rw),
                                                 {"match[version]": "all"}))
        self.assertEqual(body["objects"], [obj])

    def test_post_malformed_bodies_are_400(self):
        marker = stix_indicator()
        bodies = [
            b"{not json",
            json.dumps({"objects": [marker]})[:-3].encode(),  # truncated
            b"[]",
            json.dumps([marker]).encode(),
            b"{}",
            b'"objects"',
            b"42",
            json.dumps({"objects": {"0": marker}}).encode(),
            json.dumps({"objects": "x"}).encode(),
            json.dumps({"objects": None}).encode(),
            b"",
        ]
        for body in bodies:
            with self.subTest(body=body[:60]):
                self.assert_error(self.writer.post(self.objects_path(self.rw), body), 400)
        self.assert_error(self.writer.get(self.object_path(marker["id"], self.rw)), 404)

    def test_post_with_wrong_content_type_is_415(self):
        obj = stix_indicator()
        for ctype in ("application/json", "application/taxii+json;version=2.0",
                      "application/stix+json;version=2.1", "text/plain", None):
            with self.subTest(content_type=ctype):
                resp = self.writer.post(self.objects_path(self.rw), {"objects": [obj]},
                                        content_type=ctype)
                self.assert_error(resp, 415)
        self.assert_error(self.writer.get(self.object_path(obj["id"], self.rw)), 404)
        resp = self.writer.post(self.objects_path(self.rw), {"objects": [obj]},
                                content_type="application/taxii+json")
        self.assert_status_resource(self.assert_taxii(resp, 202), 1, 1, 0)

    def test_post_without_write_right_is_403(self):
        obj = stix_indicator()
        resp = self.reader.post(self.objects_path(self.main), {"objects": [obj]})
        self.assert_error(resp, 403)
        resp = self.reader.post(self.objects_path(self.rw), {"objects": [obj]})
        self.assert_error(resp, 403)
        self.assert_error(self.admin.get(self.object_path(obj["id"], self.rw)), 404)
        self.assert_error(self.admin.get(self.object_path(obj["id"], self.main)), 404)

    def test_write_only_collection(self):
        obj = stix_indicator()
        status = self.post([obj], client=self.reader, collection=self.wo)
        self.assert_status_resource(status, 1, 1, 0)
        body = self.assert_taxii(self.admin.get(self.object_path(obj["id"], self.wo)))
        self.assertEqual(body["objects"], [obj])
        # the writer may see its status, but not read the objects (TAXII 2.1: 403)
        self.assertEqual(self.assert_taxii(self.reader.get("/api1/status/%s/" % status["id"])),
                         status)
        for path in (self.objects_path(self.wo), self.manifest_path(self.wo),
                     self.object_path(obj["id"], self.wo),
                     self.object_path(obj["id"], self.wo) + "versions/"):
            with self.subTest(path=path):
                self.assert_error(self.reader.get(path), 403)

    def test_status_is_only_for_the_token_that_made_it(self):
        status = self.post([stix_indicator()])
        path = "/api1/status/%s/" % status["id"]
        self.assert_taxii(self.writer.get(path))
        for client in (self.other, self.admin, self.reader):
            random_id = str(uuid.uuid4())
            unknown = self.assert_error(client.get("/api1/status/%s/" % random_id), 404)
            body = self.assert_error(client.get(path), 404)
            # exactly the answer for a status that does not exist (apart from the id)
            self.assertEqual(json.dumps(body, sort_keys=True).replace(status["id"], "ID"),
                             json.dumps(unknown, sort_keys=True).replace(random_id, "ID"))

    def test_unknown_status_is_404(self):
        for sid in (str(uuid.uuid4()), "not-a-uuid"):
            self.assert_error(self.writer.get("/api1/status/%s/" % sid), 404)

    def test_cli_changes_while_serving_are_visible(self):
        """Operators ingest feeds and add collections with the CLI while the server runs."""
        objs = [stix_indicator(), stix_indicator()]
        self.ingest_objects(self.node_dir, self.rw, objs)
        body = self.assert_taxii(self.writer.get(self.objects_path(self.rw),
                                                 {"match[id]": ",".join(o["id"] for o in objs)}))
        self.assertEqual(body.get("objects"), objs)
        late = self.new_collection(self.node_dir, "Late", alias="late")
        self.made_while_serving.append(late)
        body = self.assert_taxii(self.admin.get("/api1/collections/"))
        self.assertIn(late, [c["id"] for c in body["collections"]])
        self.assert_taxii(self.admin.get(self.objects_path(late)))
        # the reader has no right on it: it does not exist for the reader
        self.assert_error(self.reader.get("/api1/collections/%s/" % late), 404)

    # --- deleting ----------------------------------------------------------------------------
    def test_delete_object_versions(self):
        oid = "indicator--%s" % uuid.uuid4()
        versions = [stix_indicator(id=oid, created=T(1), modified=m) for m in (T(1), T(2), T(3))]
        self.assert_status_resource(self.post(versions), 3, 3, 0)
        path = self.object_path(oid, self.rw)
        resp = self.writer.delete(path, {"match[version]": "first"})
        self.assertEqual(resp.status, 200, str(resp))
        body = self.assert_taxii(self.writer.get(path, {"match[version]": "all"}))
        self.assertEqual(body["objects"], versions[1:])
        resp = self.writer.delete(path, {"match[version]": T(3)})
        self.assertEqual(resp.status, 200, str(resp))
        body = self.assert_taxii(self.writer.get(path + "versions/"))
        self.assertEqual([parse_ts(v) for v in body["versions"]], [parse_ts(T(2))])
        resp = self.writer.delete(path)  # default: every version
        self.assertEqual(resp.status, 200, str(resp))
        self.assert_error(self.writer.get(path), 404)
        self.assert_error(self.writer.get(path + "versions/"), 404)
        body = self.assert_taxii(self.writer.get(self.objects_path(self.rw), {"match[id]": oid}))
        self.assertFalse(body.get("objects"), body)
        body = self.assert_taxii(self.writer.get(self.manifest_path(self.rw),
                                                 {"match[id]": oid, "match[version]": "all"}))
        self.assertFalse(body.get("objects"), body)

    def test_delete_with_spec_version_filter(self):
        obj = stix_indicator()
        self.post([obj])
        path = self.object_path(obj["id"], self.rw)
        resp = self.writer.delete(path.rstrip("/"), {"match[spec_version]": "2.1"})
        self.assertEqual(resp.status, 200, str(resp))
        self.assert_error(self.writer.get(path), 404)

    def test_delete_needs_write_right(self):
        obj = stix_indicator()
        self.post([obj])
        path = self.object_path(obj["id"], self.rw)
        self.assert_error(self.reader.delete(path), 403)
        body = self.assert_taxii(self.reader.get(path))
        self.assertEqual(body["objects"], [obj])
        self.assert_error(self.nobody.delete(path), 404)
        self.assert_error(self.reader.delete(self.object_path(self.parts["ind"][0]["id"])), 403)
        self.assert_taxii(self.admin.get(self.object_path(self.parts["ind"][0]["id"])))

    def test_delete_unknown_object_is_404(self):
        self.assert_error(self.writer.delete(
            self.object_path("indicator--%s" % uuid.uuid4(), self.rw)), 404)
        self.assert_error(self.admin.delete(
            self.object_path("indicator--%s" % uuid.uuid4(), str(uuid.uuid4()))), 404)

    # --- errors -----------------------------------------------------------------------------
    def test_bad_filter_values_are_400(self):
        oid = self.parts["multi"][0]["id"]
        cases = [
            ("limit", "0"), ("limit", "-1"), ("limit", "abc"), ("limit", ""), ("limit", "1.5"),
            ("added_after", "garbage"), ("added_after", "2026-13-01T00:00:00Z"),
            ("added_after", "2026-01-01"),
            ("match[version]", "garbage"), ("match[version]", "2026-02-30T00:00:00Z"),
            ("match[version]", "last,garbage"),
            ("next", "garbage"),
            ("match[foo]", "bar"),  # a filter the server lacks is refused, never ignored
        ]
        paths = [self.objects_path(), self.manifest_path(), self.object_path(oid)]
        for path in paths:
            for name, value in cases:
                with self.subTest(path=path, param=name, value=value):
                    param = name.split("[")[-1].rstrip("]") if name.startswith("match[") else name
                    self.assert_error(self.admin.get(path, {name: value}), 400, mentions=[param])
        for name, value in (("limit", "0"), ("added_after", "garbage"), ("next", "garbage")):
            with self.subTest(path="versions", param=name):
                self.assert_error(self.admin.get(self.object_path(oid) + "versions/",
                                                 {name: value}), 400, mentions=[name])
        self.assert_error(self.writer.delete(self.object_path(oid, self.rw),
                                             {"match[version]": "garbage"}), 400,
                          mentions=["version"])

    def test_unknown_paths_are_404(self):
        oid = self.parts["ind"][0]["id"]
        for path in ("/nope", "/nope/", "/taxii2/extra/", "/taxii", "/api1/nope/",
                     "/api1/collections/%s/nope/" % self.main,
                     "/api1/collections/%s/objects/%s/nope/" % (self.main, oid),
                     "/api1/collections/%s/" % uuid.uuid4(),
                     "/api1/collections/not-a-uuid/",
                     "/api1/collections/not-a-uuid/objects/",
                     "/api1/collections/%s/objects/" % uuid.uuid4(),
                     "/api1/collections/%s/manifest/" % uuid.uuid4(),
                     "/api1/status/", "/api1/collections//objects/"):
            with self.subTest(path=path):
                self.assert_error(self.admin.get(path), 404)

    def test_wrong_method_is_405(self):
        oid = self.parts["ind"][0]["id"]
        cases = [
            ("POST", "/taxii2/"), ("DELETE", "/taxii2/"), ("PUT", "/api1/"),
            ("POST", "/api1/collections/"), ("DELETE", "/api1/collections/%s/" % self.main),
            ("PUT", self.objects_path()), ("DELETE", self.objects_path()),
            ("POST", self.manifest_path()), ("PATCH", self.object_path(oid)),
            ("POST", self.object_path(oid)), ("POST", self.object_path(oid) + "versions/"),
            ("DELETE", "/api1/status/%s/" % uuid.uuid4()),
        ]
        for method, path in cases:
            with self.subTest(method=method, path=path):
                body = b"{}" if method in ("POST", "PUT", "PATCH") else None
                resp = self.admin.request(method, path, body=body)
                self.assert_error(resp, 405)
                # RFC 9110 15.5.6: a 405 response MUST carry Allow
                self.assertTrue(resp.header("Allow"), "no Allow header:\n%s" % resp)
                self.assertNotIn(method, [m.strip() for m in resp.header("Allow").split(",")])

    def test_accept_variants(self):
        for accept in ("application/taxii+json;version=2.1", "application/taxii+json",
                       "application/taxii+json; version=2.1", "*/*",
                       "application/json;q=0.5, application/taxii+json;version=2.1;q=0.9",
                       "text/html, application/taxii+json; version=2.1; q=0.8"):
            for path in ("/taxii2/", "/api1/collections/", self.objects_path()):
                with self.subTest(accept=accept, path=path):
                    self.assert_taxii(self.admin.get(path, accept=accept))
            with self.subTest(accept=accept, method="POST"):
                resp = self.writer.post(self.objects_path(self.rw),
                                        {"objects": [stix_indicator()]}, accept=accept)
                self.assert_taxii(resp, 202)

    def test_unacceptable_accept_is_406(self):
        for accept in ("application/json", "application/taxii+json;version=2.0", "text/html",
                       "application/stix+json;version=2.1"):
            for path in ("/taxii2/", "/api1/", "/api1/collections/", self.objects_path(),
                         self.manifest_path()):
                with self.subTest(accept=accept, path=path):
                    self.assert_error(self.admin.get(path, accept=accept), 406)
            with self.subTest(accept=accept, method="POST"):
                obj = stix_indicator()
                resp = self.writer.post(self.objects_path(self.rw), {"objects": [obj]},
                                        accept=accept)
                self.assert_error(resp, 406)
                self.assert_error(self.writer.get(self.object_path(obj["id"], self.rw)), 404)

    def envelope_of_size(self, size):
        """A valid add-objects body of exactly `size` bytes (one indicator, padded)."""
        obj = stix_indicator(description="")
        text = json.dumps({"objects": [obj]})
        obj["description"] = "x" * (size - len(text.encode()))
        data = json.dumps({"objects": [obj]}).encode()
        self.assertEqual(len(data), size)
        return obj, data

    def post_head(self, length, extra=b""):
        return (b"POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n"
                b"Accept: %s\r\nContent-Type: %s\r\n%s%s\r\n") % (
            self.objects_path(self.rw).encode(), self.server.port, self.writer_token.encode(),
            TAXII_MEDIA_TYPE.encode(), TAXII_MEDIA_TYPE.encode(),
            (b"Content-Length: %d\r\n" % length) if length is not None else b"", extra)

    def test_body_at_the_limit_is_accepted(self):
        obj, data = self.envelope_of_size(MAX_CONTENT_LENGTH)
        resp = self.writer.post(self.objects_path(self.rw), data)
        self.assert_status_resource(self.assert_taxii(resp, 202), 1, 1, 0)

    def test_body_over_the_limit_is_413(self):
        obj, data = self.envelope_of_size(MAX_CONTENT_LENGTH + 1)
        resp = raw_http(self.server.port, self.post_head(len(data)), [data])
        self.assert_error(resp, 413)
        self.assert_error(self.writer.get(self.object_path(obj["id"], self.rw)), 404)

    def test_content_length_over_the_limit_is_413_before_the_body(self):
        # only the headers are sent: the answer must not wait for a body
        resp = raw_http(self.server.port, self.post_head(1 << 30), [])
        self.assert_error(resp, 413)

    def test_chunked_body_over_the_limit_is_413(self):
        obj, data = self.envelope_of_size(MAX_CONTENT_LENGTH + 4096)
        chunks = [b"%x\r\n%s\r\n" % (len(data[i:i + 8192]), data[i:i + 8192])
                  for i in range(0, len(data), 8192)] + [b"0\r\n\r\n"]
        resp = raw_http(self.server.port,
                        self.post_head(None, b"Transfer-Encoding: chunked\r\n"), chunks)
        self.assert_error(resp, 413)
        self.assert_error(self.writer.get(self.object_path(obj["id"], self.rw)), 404)

    def test_small_chunked_body_is_accepted(self):
        obj = stix_indicator()
        data = json.dumps({"objects": [obj]}).encode()
        chunks = [b"%x\r\n%s\r\n" % (len(data[:50]), data[:50]),
                  b"%x\r\n%s\r\n" % (len(data[50:]), data[50:]), b"0\r\n\r\n"]
        resp = raw_http(self.server.port,
                        self.post_head(None, b"Transfer-Encoding: chunked\r\n"), chunks)
        self.assert_status_resource(self.assert_taxii(resp, 202), 1, 1, 0)

    # --- operations -------------------------------------------------------------------------
    def test_healthz_needs_no_auth(self):
        for path in ("/healthz",):
            resp = http_request(self.server.port, "GET", path)
            self.assertEqual(resp.status, 200, str(resp))
            self.assertEqual(resp.text().strip(), "ok", str(resp))

    def metric_total(self, text, name, **labels):
        total = 0.0
        for line in text.splitlines():
            if not line.startswith(name) or line.startswith("#"):
                continue
            m = re.match(r"^%s(\{(.*)\})?\s+(\S+)" % re.escape(name), line)
            if not m:
                continue
            got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
            if all(got.get(k) == v for k, v in labels.items()):
                total += float(m.group(3))
        return total

    def test_metrics_count_requests(self):
        resp = http_request(self.server.port, "GET", "/metrics")
        self.assertEqual(resp.status, 200, str(resp))
        self.assertTrue(resp.header("Content-Type", "").startswith("text/plain"), str(resp))
        before = resp.text()
        self.assertIn("# TYPE kongsi_http_requests_total counter", before)
        for _ in range(5):
            self.assert_taxii(self.admin.get("/taxii2/"))
        for _ in range(3):
            self.assertEqual(self.anon.get("/taxii2/").status, 401)
        after = http_request(self.server.port, "GET", "/metrics").text()
        for code, n in (("200", 5), ("401", 3)):
            b = self.metric_total(before, "kongsi_http_requests_total", code=code)
            a = self.metric_total(after, "kongsi_http_requests_total", code=code)
            self.assertGreaterEqual(a - b, n, "code %s: %s -> %s\n%s" % (code, b, a, after))

    def test_repeated_page_comes_from_the_page_cache(self):
        before = http_request(self.server.port, "GET", "/metrics").text()
        self.assertIn("# TYPE kongsi_page_cache_hits_total counter", before)
        pages = [self.admin.get(self.objects_path(), {"limit": "3"}) for _ in range(3)]
        for page in pages:
            self.assert_taxii(page)
        # The same bytes each time, and at least two of the three from memory.
        self.assertEqual(len({p.body for p in pages}), 1)
        after = http_request(self.server.port, "GET", "/metrics").text()
        hits = (self.metric_total(after, "kongsi_page_cache_hits_total")
                - self.metric_total(before, "kongsi_page_cache_hits_total"))
        self.assertGreaterEqual(hits, 2, after)

    def read_log_lines(self, want_targets, timeout=15):
        """The access log's lines for the given targets, waiting (bounded) for the log to be
        flushed (it is written at least every second)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with open(self.access_log, encoding="utf-8") as f:
                    lines = [json.loads(line) for line in f if line.strip()]
            except FileNotFoundError:
                lines = []
            mine = [e for e in lines if e.get("target") in want_targets]
            if {e["target"] for e in mine} >= set(want_targets) or time.monotonic() > deadline:
                return lines, mine
            time.sleep(0.2)

    def test_access_log_has_one_line_per_request(self):
        probes = {}
        for client, status in ((self.admin, 404), (self.anon, 401), (self.reader, 404)):
            path = "/api1/collections/%s/" % uuid.uuid4()
            self.assertEqual(client.get(path).status, status)
            probes[path] = status
        disc = "/taxii2/?probe=%s" % uuid.uuid4().hex
        self.assertEqual(http_request(self.server.port, "GET", disc, headers={
            "Accept": TAXII_MEDIA_TYPE, "Authorization": "Bearer " + self.admin_token,
            "User-Agent": "e2e-probe"}).status, 200)
        probes[disc] = 200
        objs = self.objects_path() + "?match[type]=malware&probe=%s" % uuid.uuid4().hex
        self.assertEqual(http_request(self.server.port, "GET", objs, headers={
            "Accept": TAXII_MEDIA_TYPE, "Authorization": "Bearer " + self.admin_token}).status,
            200)
        probes[objs] = 200
        lines, mine = self.read_log_lines(set(probes))
        self.assertTrue(lines, "the access log is empty")
        for e in lines:
            self.assertIsInstance(e.get("status"), int, e)
            self.assertIsInstance(e.get("route"), str, e)
            self.assertTrue(e["route"], e)
        for target, status in probes.items():
            entries = [e for e in mine if e["target"] == target]
            self.assertEqual(len(entries), 1, "%s: %s" % (target, entries))
            self.assertEqual(entries[0]["status"], status, entries[0])
            self.assertEqual(entries[0]["method"], "GET", entries[0])
        by_target = {e["target"]: e for e in mine}
        self.assertEqual(by_target[disc].get("principal"), "admin-e2e", by_target[disc])
        self.assertEqual(by_target[disc].get("user_agent"), "e2e-probe", by_target[disc])
        # known endpoints have their own route labels
        self.assertNotIn(by_target[disc]["route"], ("", "other"), by_target[disc])
        self.assertNotIn(by_target[objs]["route"], ("", "other"), by_target[objs])
        self.assertNotEqual(by_target[disc]["route"], by_target[objs]["route"])

    def test_keep_alive_connection_serves_many_requests(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        self.addCleanup(conn.close)
        headers = {"Accept": TAXII_MEDIA_TYPE, "Authorization": "Bearer " + self.admin_token}
        first, sock = None, None
        for i in range(12):
            path = self.objects_path() if i % 2 else "/taxii2/"
            if i == 10:
                self.assert_error(http_request(self.server.port, "GET", "/nope/",
                                               headers=headers, connection=conn), 404)
                continue
            resp = http_request(self.server.port, "GET", path, headers=headers, connection=conn)
            body = self.assert_taxii(resp)
            if i == 1:
                first = body
            elif i % 2:
                self.assertEqual(body, first)
            # http.client reconnects silently when a connection is closed: same socket = kept
            sock = sock or conn.sock
            self.assertIs(conn.sock, sock, "the server closed a keep-alive connection after\n%s"
                          % resp)

    def test_concurrent_readers_get_the_same_answers(self):
        _, want = self.get_objects({"match[version]": "all"})
        errors, results = [], []

        def worker():
            try:
                for _ in range(10):
                    resp = self.admin.get(self.objects_path(), {"match[version]": "all"})
                    results.append((resp.status, resp.body))
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        self.assertFalse(any(t.is_alive() for t in threads), "readers did not finish")
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 80)
        for status, body in results:
            self.assertEqual(status, 200)
            self.assertEqual(json.loads(body), want)



if __name__ == "__main__":
    unittest.main()
