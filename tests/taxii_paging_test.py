#!/usr/bin/env python3
"""End-to-end tests of paging in `kongsi serve` (TAXII 2.1): walking collections with limit and
next (and with added_after and the X-TAXII-Date-Added-Last header) gives exactly what one big
request gives; walks stay exact while other clients add objects; the page size is capped by
[taxii] max_page_size, which is also the default limit. Also the defaults of a server started
without a config file.

Environment: KONGSI_BIN (the binary, set by CTest).
Run: KONGSI_BIN=build/debug/kongsi python3 tests/taxii_paging_test.py -v
"""

import collections
import threading
import unittest
import uuid

from node_case import (TAXII_MEDIA_TYPE, ServerTestCase, TaxiiClient, stix_identity,
                       stix_indicator, stix_malware)


def day(n):
    return "2026-02-%02dT00:00:00.000Z" % n


def make_objects(n, prefix):
    return [stix_indicator("10.%d.%d.%d" % (prefix, i // 250, i % 250 + 1),
                           modified=day(i % 20 + 1)) for i in range(n)]


class PagingTest(ServerTestCase):
    """A server without a config file; collections `paging` (static), `live` and `steps`
    (written to during walks)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d = cls.node_dir = cls.new_node("paging node")
        cls.paging = cls.new_collection(d, "Paging", alias="paging")
        cls.live = cls.new_collection(d, "Live", alias="live")
        cls.steps = cls.new_collection(d, "Steps", alias="steps")
        # `paging`: 45 indicators, 3 identities and 2 malware with 3 versions each, the
        # versions interleaved with the rest (each object's versions in modified order)
        objs = make_objects(45, 1)
        multi = []
        for k in range(5):
            if k < 3:
                oid = "identity--%s" % uuid.uuid4()
                versions = [stix_identity("multi %d" % k, id=oid, created=day(1),
                                          modified=day(v + 1)) for v in range(3)]
            else:
                oid = "malware--%s" % uuid.uuid4()
                versions = [stix_malware("multi %d" % k, id=oid, modified=day(v + 1))
                            for v in range(3)]
                for o in versions:
                    o["created"] = day(1)
            multi.append(versions)
        cls.dataset = list(objs)
        for v in range(3):
            for k in range(5):
                cls.dataset.insert(v * 20 + k * 3 + 1, multi[k][v])
        cls.multi = multi
        cls.ingest_objects(d, cls.paging, cls.dataset)
        cls.live_initial = make_objects(40, 2)
        cls.ingest_objects(d, cls.live, cls.live_initial)
        cls.steps_initial = make_objects(30, 3)
        cls.ingest_objects(d, cls.steps, cls.steps_initial)
        cls.token = cls.new_token(d, "pager", read=["*"], write=["*"])
        cls.server = cls.start_server(d)  # no --config: the defaults
        cls.client = TaxiiClient(cls.server.port, cls.token)
        cls.base = "http://127.0.0.1:%d" % cls.server.port

    def objects_path(self, collection=None):
        return "/api1/collections/%s/objects/" % (collection or self.paging)

    def manifest_path(self, collection=None):
        return "/api1/collections/%s/manifest/" % (collection or self.paging)

    def one_request(self, path, params, key="objects"):
        body = self.assert_taxii(self.client.get(path, params))
        self.assertIs(body.get("more"), False, body)
        return body.get(key, [])

    def post(self, collection, objects):
        resp = self.client.post(self.objects_path(collection), {"objects": objects})
        status = self.assert_taxii(resp, 202)
        self.assertEqual(status.get("success_count"), len(objects), status)
        return status

    # --- defaults without a config file --------------------------------------------------------
    def test_defaults_without_config(self):
        disc = self.assert_taxii(self.client.get("/taxii2/"))
        self.assertEqual(disc.get("api_roots"), [self.base + "/api1/"], disc)
        self.assertEqual(disc.get("default"), self.base + "/api1/", disc)
        self.assertIsInstance(disc.get("title"), str)
        root = self.assert_taxii(self.client.get("/api1/"))
        self.assertEqual(root["versions"], [TAXII_MEDIA_TYPE])
        self.assertIsInstance(root["max_content_length"], int)
        self.assertGreater(root["max_content_length"], 0)
        cols = self.assert_taxii(self.client.get("/api1/collections/"))
        self.assertEqual({c["id"] for c in cols["collections"]},
                         {self.paging, self.live, self.steps})
        # page size 1000: everything in `paging` in one page
        body = self.assert_taxii(self.client.get(self.objects_path(), {"match[version]": "all"}))
        self.assertEqual(len(body["objects"]), 60)
        self.assertIs(body["more"], False)

    # --- walks over a static collection -------------------------------------------------------
    def test_dataset_as_stored(self):
        got = self.one_request(self.objects_path(), {"match[version]": "all"})
        self.assertEqual(got, self.dataset)

    def test_walk_objects_equals_one_request(self):
        ids = ",".join(o["id"] for o in self.dataset[::4])
        for params in ({}, {"match[version]": "all"}, {"match[type]": "identity,malware"},
                       {"match[type]": "indicator", "match[version]": "first"},
                       {"match[version]": "first,last"}, {"match[id]": ids},
                       {"match[id]": ids, "match[version]": "all"},
                       {"match[version]": day(2)}, {"match[spec_version]": "2.1"}):
            for limit in (7, 1, 50):
                with self.subTest(params=params, limit=limit):
                    want = self.one_request(self.objects_path(), params)
                    got, pages = self.walk(self.client, self.objects_path(), params, limit)
                    self.assertEqual(got, want)
                    self.assertEqual(pages, max(1, -(-len(want) // limit)))
                    self.assertEqual(len({(o["id"], o["modified"]) for o in got}), len(got))

    def test_walk_manifest_equals_one_request(self):
        for params in ({}, {"match[version]": "all"}, {"match[type]": "malware"}):
            with self.subTest(params=params):
                want = self.one_request(self.manifest_path(), params)
                got, _ = self.walk(self.client, self.manifest_path(), params, 7)
                self.assertEqual(got, want)

    def test_walk_with_added_after(self):
        """Walk with limit and next starting from an added_after."""
        manifest = self.one_request(self.manifest_path(), {"match[version]": "all"})
        params = {"added_after": manifest[17]["date_added"], "match[version]": "all"}
        want = self.one_request(self.objects_path(), params)
        self.assertEqual(want, self.dataset[18:])
        got, _ = self.walk(self.client, self.objects_path(), params, 7)
        self.assertEqual(got, want)

    def test_walk_by_date_added_header(self):
        """The TAXII 2.1 way without next: added_after = the last X-TAXII-Date-Added-Last."""
        want = self.one_request(self.objects_path(), {"match[version]": "all"})
        got, after = [], None
        for _ in range(100):
            params = {"match[version]": "all", "limit": "7"}
            if after:
                params["added_after"] = after
            resp = self.client.get(self.objects_path(), params)
            body = self.assert_taxii(resp)
            got += body.get("objects", [])
            if not body["more"]:
                break
            after = resp.header("X-TAXII-Date-Added-Last")
            self.assertTrue(after, str(resp))
        self.assertEqual(got, want)

    def test_walk_object_versions(self):
        oid = self.multi[0][0]["id"]
        path = "/api1/collections/%s/objects/%s/" % (self.paging, oid)
        got, pages = self.walk(self.client, path, {"match[version]": "all"}, 1)
        self.assertEqual((got, pages), (self.multi[0], 3))

    # --- walks while objects are added --------------------------------------------------------
    def check_walk(self, seen, initial, added):
        counts = collections.Counter(o["id"] for o in seen)
        dupes = [i for i, n in counts.items() if n > 1]
        self.assertEqual(dupes, [], "objects seen more than once")
        missing = [o["id"] for o in initial if o["id"] not in counts]
        self.assertEqual(missing, [], "objects present at the start were not seen")
        strangers = set(counts) - {o["id"] for o in initial} - {o["id"] for o in added}
        self.assertEqual(strangers, set())

    def test_walk_while_another_thread_adds_objects(self):
        added, errors = [], []
        first_batch, first_page = threading.Event(), threading.Event()

        def writer():
            try:
                for b in range(25):
                    batch = make_objects(3, 100 + b)
                    self.post(self.live, batch)
                    added.extend(batch)
                    if b == 0:
                        first_batch.set()
                        first_page.wait(60)
            except BaseException as e:  # noqa: BLE001 - reported by the main thread
                errors.append(repr(e))
                first_batch.set()

        t = threading.Thread(target=writer, daemon=True)
        t.start()
        self.assertTrue(first_batch.wait(60), "the writer did not start")
        try:
            seen, _ = self.walk(self.client, self.objects_path(self.live), {}, 7,
                                on_page=lambda n, body: first_page.set())
        finally:
            first_page.set()
            t.join(120)
        self.assertFalse(t.is_alive(), "the writer did not finish")
        self.assertEqual(errors, [])
        self.check_walk(seen, self.live_initial, added)
        # afterwards, everything exactly once
        final, _ = self.walk(self.client, self.objects_path(self.live), {}, 7)
        self.assertEqual(sorted(o["id"] for o in final),
                         sorted(o["id"] for o in self.live_initial + added))

    def test_walk_with_writes_between_pages(self):
        added = []

        def write(n, body):
            if n <= 10:
                batch = make_objects(2, 150 + n)
                self.post(self.steps, batch)
                added.extend(batch)

        seen, _ = self.walk(self.client, self.objects_path(self.steps), {}, 7, on_page=write)
        self.check_walk(seen, self.steps_initial, added)
        seen_m, _ = self.walk(self.client, self.manifest_path(self.steps), {}, 7)
        self.assertEqual(sorted(e["id"] for e in seen_m),
                         sorted(o["id"] for o in self.steps_initial + added))


class PageSizeTest(ServerTestCase):
    """[taxii] max_page_size = 5: the default limit and the cap of larger limits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d = cls.new_node("page size node")
        cls.col = cls.new_collection(d, "Twelve")
        cls.objs = make_objects(12, 4)
        cls.ingest_objects(d, cls.col, cls.objs)
        token = cls.new_token(d, "pager", read=["*"])
        cls.server = cls.start_server(d, """
[taxii]
max_page_size = 5
""")
        cls.client = TaxiiClient(cls.server.port, token)
        cls.path = "/api1/collections/%s/objects/" % cls.col

    def test_default_limit_is_max_page_size(self):
        body = self.assert_taxii(self.client.get(self.path))
        self.assertEqual(body["objects"], self.objs[:5])
        self.assertIs(body["more"], True)
        got, nxt = list(body["objects"]), body.get("next")
        for _ in range(10):
            if not body["more"]:
                break
            self.assertTrue(nxt, body)
            body = self.assert_taxii(self.client.get(self.path, {"next": nxt}))
            self.assertLessEqual(len(body.get("objects", [])), 5)
            got += body.get("objects", [])
            nxt = body.get("next")
        self.assertEqual(got, self.objs)

    def test_larger_limits_are_capped(self):
        for limit in ("6", "100", "1000000"):
            with self.subTest(limit=limit):
                body = self.assert_taxii(self.client.get(self.path, {"limit": limit}))
                self.assertEqual(body["objects"], self.objs[:5])
                self.assertIs(body["more"], True)
        body = self.assert_taxii(self.client.get(self.path, {"limit": "3"}))
        self.assertEqual(body["objects"], self.objs[:3])
        got, pages = self.walk(self.client, self.path, {}, 100)
        self.assertEqual((got, pages), (self.objs, 3))

    def test_manifest_is_capped_too(self):
        path = self.path.replace("/objects/", "/manifest/")
        body = self.assert_taxii(self.client.get(path, {"limit": "50"}))
        self.assertEqual([e["id"] for e in body["objects"]], [o["id"] for o in self.objs[:5]])
        self.assertIs(body["more"], True)


if __name__ == "__main__":
    unittest.main()
