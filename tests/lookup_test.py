#!/usr/bin/env python3
"""End-to-end tests of lookups: `kongsi lookup` on the command line (the operator sees
everything) and POST /api/v1/lookup on the server, where the sharing policy decides what a
partner sees and every object handed out is audited.

Environment: KONGSI_BIN (the binary, set by CTest).
Run: KONGSI_BIN=build/debug/kongsi python3 tests/lookup_test.py -v
"""

import json
import unittest

from node_case import ServerTestCase, http_request, stix_indicator, stix_ipv4

TLP2_CLEAR = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
TLP2_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
VALUE = "203.0.113.7"


class LookupTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.node_dir = cls.new_node("lookup node")
        cls.shared = cls.new_collection(cls.node_dir, "Shared", alias="shared")
        cls.secret = cls.new_collection(cls.node_dir, "Secret", alias="secret")
        cls.clear = stix_indicator(ip=VALUE, object_marking_refs=[TLP2_CLEAR])
        cls.amber = stix_indicator(ip=VALUE, object_marking_refs=[TLP2_AMBER])
        cls.block = stix_indicator(object_marking_refs=[TLP2_CLEAR],
                                   pattern="[ipv4-addr:value = '203.0.113.0/24']")
        cls.sco = stix_ipv4(VALUE)
        cls.ingest_objects(cls.node_dir, cls.shared, [cls.clear, cls.amber, cls.block])
        cls.ingest_objects(cls.node_dir, cls.secret, [cls.sco])
        cls.token = cls.new_token(cls.node_dir, "bank-a-soc", read=["shared"], org="bank-a")
        cls.server = cls.start_server(cls.node_dir)

    def lookup(self, body, token=None, method="POST"):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        return http_request(self.server.port, method, "/api/v1/lookup",
                            body=json.dumps(body) if not isinstance(body, str) else body,
                            headers=headers)

    def test_cli_shows_the_operator_every_indicator_and_object(self):
        out = self.cli_ok(self.node_dir, "lookup", VALUE, "--format", "json")
        result = json.loads(out)
        self.assertEqual({i["id"] for i in result["indicators"]},
                         {self.clear["id"], self.amber["id"], self.block["id"]})
        self.assertIn(self.sco["id"], {o["id"] for o in result["objects"]})
        self.assertIn(self.clear["id"], {o["id"] for o in result["objects"]})
        p = self.run_cli(self.node_dir, "lookup", "192.0.2.200")
        self.assertEqual(p.returncode, 1, p)
        self.assertIn("not known", p.stdout.decode())

    def test_partner_sees_only_what_the_policy_lets_it_receive(self):
        resp = self.lookup({"values": [VALUE, "192.0.2.200"]}, self.token)
        self.assertEqual(resp.status, 200, str(resp))
        results = resp.json()["results"]
        self.assertEqual([r["value"] for r in results], [VALUE, "192.0.2.200"])
        # The CLEAR indicator, as stored; not the AMBER one (no agreement with bank-a), not the
        # SCO of a collection bank-a cannot read.
        self.assertEqual([o["id"] for o in results[0]["objects"]], [self.clear["id"]])
        self.assertEqual(results[0]["objects"][0]["pattern"], self.clear["pattern"])
        self.assertEqual(results[1]["objects"], [])
        audit = self.cli_ok(self.node_dir, "audit", "--principal", "bank-a-soc",
                            "--format", "jsonl")
        records = [json.loads(l) for l in audit.splitlines() if l.strip()]
        lookups = [r for r in records if r.get("channel") == "api.lookup"]
        self.assertTrue(any(r.get("object_id", r.get("id")) == self.clear["id"] for r in lookups),
                        records)
        self.assertFalse(any(r.get("object_id", r.get("id")) == self.amber["id"] for r in records))

    def test_bad_requests_are_refused_with_a_reason(self):
        self.assertEqual(self.lookup({"values": [VALUE]}).status, 401)
        self.assertEqual(self.lookup({"values": [VALUE]}, "kongsi_0000000000000000_x").status, 401)
        self.assertEqual(self.lookup({"values": [VALUE]}, self.token, method="GET").status, 405)
        resp = self.lookup({"value": VALUE}, self.token)
        self.assertEqual(resp.status, 400)
        self.assertIn("values", resp.text())
        resp = self.lookup({"values": [VALUE, 7]}, self.token)
        self.assertEqual(resp.status, 400)
        self.assertIn("/values/1", resp.text())
        self.assertEqual(self.lookup({"values": []}, self.token).status, 400)
        self.assertEqual(self.lookup("not json", self.token).status, 400)
        self.assertEqual(self.lookup({"values": ["x" * 70000]}, self.token).status, 413)


if __name__ == "__main__":
    unittest.main()
