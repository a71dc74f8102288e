#!/usr/bin/env python3
"""End-to-end tests of signed offline bundles (docs/federation.md, "Offline bundles") between
real nodes: node A exports for its peer node-b what the sharing policy allows (GREEN and CLEAR,
not AMBER), signed with its node key; node B, which has A's public key as [[peer]] "node-a",
verifies and stores the objects as received from that peer (origin binding then keeps A's GREEN
objects from B's partners outside A's communities). A's audit log lists the export; a bundle
for a peer never holds what came from that peer. Refused,
with exit 2, a clear message and nothing stored: a bundle with one byte changed in its payload
or its header, an unsigned bundle, a bundle signed by another node (C), a plain STIX file; a
peer without public_key is a configuration error. `kongsi node key` prints the key init made.

Environment: KONGSI_BIN (the binary, set by CTest).
Run: KONGSI_BIN=build/debug/kongsi python3 tests/bundle_test.py -v
"""

import base64
import hashlib
import json
import os
import re
import unittest

from node_case import ServerTestCase, stix_indicator

# TLP 2.0 marking definitions (the OASIS TLP 2.0 extension; docs/policy.md).
TLP = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
}

PUBLIC_KEY_RE = re.compile(r"public key: (\S+)")

# Node A's sharing policy: its peer node-b (organisation org-b) may receive collection "shared"
# up to GREEN.
EXPORTER_CONFIG = """\
[policy]
organisation = "org-a"

[[organisation]]
name = "org-a"

[[organisation]]
name = "org-b"

[[principal]]
name = "node-b"
organisation = "org-b"
kind = "peer"

[[agreement]]
name = "a-to-b"
with = ["org-b"]
collections = ["shared"]
max_tlp = "green"

[[peer]]
name = "node-b"
organisation = "org-b"
"""

# Node B: A is its peer "node-a" (organisation org-a); org-x is a partner of B's, sharing no
# community with org-a, with an agreement up to GREEN on everything; "node-z" has no key.
IMPORTER_CONFIG = """\
[policy]
organisation = "org-b"

[[organisation]]
name = "org-b"

[[organisation]]
name = "org-a"

[[organisation]]
name = "org-x"

[[principal]]
name = "x-soc"
organisation = "org-x"

[[agreement]]
name = "b-to-x"
with = ["org-x"]
collections = ["*"]
max_tlp = "green"

[[peer]]
name = "node-a"
organisation = "org-a"
public_key = "{key}"

[[peer]]
name = "node-z"
organisation = "org-z"
"""

# Either of two nodes that are each other's peers ("node-x" of org-x, "node-y" of org-y), sharing
# collection "shared" up to GREEN.
PAIR_CONFIG = """\
[policy]
organisation = "org-{me}"

[[organisation]]
name = "org-{me}"

[[organisation]]
name = "org-{other}"

[[principal]]
name = "node-{other}"
organisation = "org-{other}"
kind = "peer"

[[agreement]]
name = "{me}-to-{other}"
with = ["org-{other}"]
collections = ["shared"]
max_tlp = "green"

[[peer]]
name = "node-{other}"
organisation = "org-{other}"
public_key = "{key}"
"""


def indicator(name, tlp):
    o = stix_indicator()
    o["name"] = name
    o["object_marking_refs"] = [TLP[tlp]]
    return o


def split_bundle(data):
    """(header lines, payload bytes) of a bundle file."""
    head, payload = data.split(b"\n\n", 1)
    return head.decode().split("\n"), payload


def header_fields(data):
    return dict(line.split(": ", 1) for line in split_bundle(data)[0][1:])


class BundleTest(ServerTestCase):

    @classmethod
    def init_node(cls, name):
        """A fresh node; returns (data directory, public key printed by init)."""
        d = os.path.join(cls.class_tmp, name.replace(" ", "-").lower())
        os.makedirs(d)
        data_dir = os.path.join(d, "node")
        out = cls.cli_ok(data_dir, "init", "--name", name)
        m = PUBLIC_KEY_RE.search(out)
        if not m:
            raise AssertionError("init printed no public key:\n" + out)
        return data_dir, m.group(1)

    @classmethod
    def write_config(cls, data_dir, text):
        with open(os.path.join(data_dir, "kongsi.toml"), "w", encoding="utf-8") as f:
            f.write(text)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a, cls.a_key = cls.init_node("Node A")
        cls.new_collection(cls.a, "Shared with B", alias="shared")
        cls.o = {tlp: indicator("%s from A" % tlp, tlp) for tlp in ("green", "clear", "amber")}
        cls.ingest_objects(cls.a, "shared", list(cls.o.values()))
        cls.write_config(cls.a, EXPORTER_CONFIG)

        # Node C: the same policy, its own key.
        cls.c, cls.c_key = cls.init_node("Node C")
        cls.new_collection(cls.c, "Shared with B", alias="shared")
        cls.ingest_objects(cls.c, "shared", [indicator("green from C", "green")])
        cls.write_config(cls.c, EXPORTER_CONFIG)

        cls.signed = cls.export(cls.a, "--sign")
        cls.unsigned = cls.export(cls.a)
        cls.signed_by_c = cls.export(cls.c, "--sign")

    @classmethod
    def export(cls, data_dir, *args):
        """The bytes of `bundle export --for node-b --collection shared` (+ args) from a node."""
        path = os.path.join(os.path.dirname(data_dir), "bundle-%d.kbundle" % len(os.listdir(
            os.path.dirname(data_dir))))
        cls.cli_ok(data_dir, "bundle", "export", "--for", "node-b", "--collection", "shared",
                   "-o", path, *args)
        with open(path, "rb") as f:
            return f.read()

    def new_importer(self):
        """A fresh node B with A configured as its peer and a collection "inbox"."""
        b, _ = self.init_node("Node B %d" % len(os.listdir(self.class_tmp)))
        self.new_collection(b, "From A", alias="inbox")
        self.write_config(b, IMPORTER_CONFIG.format(key=self.a_key))
        return b

    def import_bundle(self, b, data, *args, peer="node-a"):
        path = os.path.join(os.path.dirname(b), "incoming.kbundle")
        with open(path, "wb") as f:
            f.write(data)
        return self.run_cli(b, "bundle", "import", path, "--peer", peer, "--collection", "inbox",
                            *args)

    def stored_ids(self, data_dir, *args):
        """Ids of every object the operator exports from a node (+ args)."""
        out = self.cli_ok(data_dir, "export", "--format", "jsonl", *args)
        return {json.loads(line)["id"] for line in out.splitlines() if line.strip()}

    def assert_refused(self, data, message, peer="node-a"):
        """Importing `data` at a fresh node B fails with exit 2 and `message` on stderr, and
        stores nothing."""
        b = self.new_importer()
        before = self.stored_ids(b)
        p = self.import_bundle(b, data, peer=peer)
        self.assertEqual(p.returncode, 2, self.describe_run(("bundle", "import"), p))
        self.assertIn(message, p.stderr.decode(), self.describe_run(("bundle", "import"), p))
        self.assertEqual(self.stored_ids(b), before, "a refused bundle stored objects")
        self.assertEqual(self.stored_ids(b, "--collection", "inbox"), set())
        return p

    # --- export ----------------------------------------------------------------------------
    def test_export_holds_what_the_peer_may_receive(self):
        lines, payload = split_bundle(self.signed)
        self.assertEqual(lines[0], "KONGSI-BUNDLE 1")
        fields = header_fields(self.signed)
        self.assertEqual(list(fields), ["signer-name", "signer-identity", "signer-key", "created",
                                        "for", "collection", "objects", "payload-sha256",
                                        "signature"])
        self.assertEqual(fields["signer-name"], "Node A")
        self.assertEqual(fields["signer-key"], self.a_key)
        self.assertEqual(fields["for"], "node-b")
        self.assertEqual(fields["objects"], "2")
        self.assertEqual(fields["payload-sha256"], hashlib.sha256(payload).hexdigest())
        bundle = json.loads(payload)
        self.assertEqual(bundle["type"], "bundle")
        ids = {o["id"] for o in bundle["objects"]}
        self.assertEqual(ids, {self.o["green"]["id"], self.o["clear"]["id"]})
        self.assertNotIn(self.o["amber"]["id"], payload.decode())

    def test_audit_lists_what_was_exported(self):
        out = self.cli_ok(self.a, "audit", "--principal", "node-b", "--format", "jsonl")
        events = [json.loads(line) for line in out.splitlines() if line.strip()]
        bundled = {e["object_id"] for e in events if e["channel"] == "bundle"}
        self.assertEqual(bundled, {self.o["green"]["id"], self.o["clear"]["id"]})

    def test_unsigned_export_says_so(self):
        self.assertNotIn(b"\nsignature: ", self.unsigned.split(b"\n\n", 1)[0])
        self.assertEqual(json.loads(split_bundle(self.unsigned)[1])["objects"],
                         json.loads(split_bundle(self.signed)[1])["objects"])
        p = self.run_cli(self.a, "bundle", "export", "--for", "node-b", "--collection", "shared")
        self.assertEqual(p.returncode, 0, self.describe_run(("bundle", "export"), p))
        self.assertIn("NOT signed", p.stderr.decode())
        self.assertTrue(p.stdout.startswith(b"KONGSI-BUNDLE 1\n"))

    def test_export_for_an_unknown_recipient_fails(self):
        p = self.run_cli(self.a, "bundle", "export", "--for", "nobody", "--collection", "shared",
                         "--sign")
        self.assertEqual(p.returncode, 2, self.describe_run(("bundle", "export"), p))
        self.assertIn("nobody", p.stderr.decode())
        self.assertEqual(p.stdout, b"")

    # --- import ----------------------------------------------------------------------------
    def test_import_stores_the_objects_as_received_from_the_peer(self):
        b = self.new_importer()
        p = self.import_bundle(b, self.signed)
        self.assertEqual(p.returncode, 0, self.describe_run(("bundle", "import"), p))
        self.assertIn("accepted 2", p.stdout.decode())
        self.assertIn('peer "node-a"', p.stdout.decode())
        got = self.stored_ids(b, "--collection", "inbox")
        self.assertEqual(got, {self.o["green"]["id"], self.o["clear"]["id"]})
        out = self.cli_ok(b, "export", "--collection", "inbox")
        stored = {o["id"]: o for o in json.loads(out)["objects"]}
        self.assertEqual(stored[self.o["green"]["id"]], self.o["green"])

        # Origin binding: A's GREEN object does not reach org-x (no community with org-a), while
        # B's own GREEN object does under the same agreement; CLEAR goes to anyone.
        own = indicator("green of B's own", "green")
        self.ingest_objects(b, "inbox", [own])
        out = self.cli_ok(b, "export", "--for", "x-soc", "--collection", "inbox", "--format",
                          "jsonl")
        to_x = {json.loads(line)["id"] for line in out.splitlines() if line.strip()}
        self.assertEqual(to_x, {own["id"], self.o["clear"]["id"]})

        # Importing the same bundle again stores nothing new.
        p = self.import_bundle(b, self.signed, "--json")
        self.assertEqual(p.returncode, 0, self.describe_run(("bundle", "import"), p))
        summary = json.loads(p.stdout)
        self.assertEqual((summary["accepted"], summary["unchanged"]), (0, 2))
        self.assertEqual(summary["peer"], "node-a")
        self.assertEqual(summary["signer_key"], self.a_key)

    def test_payload_changed_by_one_byte_is_refused(self):
        at = self.signed.index(b"green from A") + 1
        tampered = self.signed[:at] + b"R" + self.signed[at + 1:]
        self.assertEqual(len(tampered), len(self.signed))
        self.assert_refused(tampered, "the bundle was altered")

    def test_header_changed_by_one_byte_is_refused(self):
        at = self.signed.index(b"for: node-b") + len("for: node-")
        tampered = self.signed[:at] + b"c" + self.signed[at + 1:]
        self.assert_refused(
            tampered, 'signature does not verify with the public key of peer "node-a": the '
                      "bundle was altered or signed by another node")

    def test_truncated_bundle_is_refused(self):
        self.assert_refused(self.signed[:-20], "the bundle was altered or truncated")

    def test_unsigned_bundle_is_refused(self):
        self.assert_refused(self.unsigned,
                            "the bundle is not signed: refusing it (export it with --sign)")

    def test_bundle_signed_by_another_node_is_refused(self):
        p = self.assert_refused(self.signed_by_c, "signed by key %s" % self.c_key)
        self.assertIn("peer \"node-a\"'s configured key is %s" % self.a_key, p.stderr.decode())

    def test_plain_stix_file_is_not_a_bundle(self):
        payload = split_bundle(self.signed)[1]
        self.assert_refused(payload, "not a kongsi bundle")

    def test_peer_without_public_key_is_a_configuration_error(self):
        p = self.assert_refused(self.signed, "has no public_key", peer="node-z")
        self.assertIn("kongsi.toml", p.stderr.decode())
        self.assertIn("node-z", p.stderr.decode())

    def test_unknown_peer_is_an_error(self):
        self.assert_refused(self.signed, 'no [[peer]] is named "node-q"', peer="node-q")

    def test_nothing_goes_back_to_the_peer_it_came_from(self):
        # Two nodes that are each other's peers: X imports Y's GREEN object, then exports for Y.
        x, x_key = self.init_node("Node X")
        y, y_key = self.init_node("Node Y")
        for d, me, other, key in ((x, "x", "y", y_key), (y, "y", "x", x_key)):
            self.new_collection(d, "Shared", alias="shared")
            self.write_config(d, PAIR_CONFIG.format(me=me, other=other, key=key))
        from_y = indicator("green from Y", "green")
        own = indicator("green of X's own", "green")
        self.ingest_objects(y, "shared", [from_y])
        self.ingest_objects(x, "shared", [own])
        path = os.path.join(self.tmp, "y-to-x.kbundle")
        self.cli_ok(y, "bundle", "export", "--for", "node-x", "--collection", "shared", "--sign",
                    "-o", path)
        self.cli_ok(x, "bundle", "import", path, "--peer", "node-y", "--collection", "shared")
        self.assertEqual(self.stored_ids(x, "--collection", "shared"), {own["id"], from_y["id"]})
        path = os.path.join(self.tmp, "x-to-y.kbundle")
        self.cli_ok(x, "bundle", "export", "--for", "node-y", "--collection", "shared", "--sign",
                    "-o", path)
        with open(path, "rb") as f:
            objects = json.loads(split_bundle(f.read())[1])["objects"]
        self.assertEqual([o["id"] for o in objects], [own["id"]])

    # --- node key --------------------------------------------------------------------------
    def test_node_key_is_the_key_init_printed(self):
        p = self.run_cli(self.a, "node", "key")
        self.assertEqual(p.returncode, 0, self.describe_run(("node", "key"), p))
        self.assertEqual(p.stdout.decode(), self.a_key + "\n")
        self.assertEqual(len(base64.b64decode(self.a_key, validate=True)), 32)
        self.assertNotEqual(self.a_key, self.c_key)
        out = self.cli_ok(self.a, "node", "key", "--fingerprint").strip()
        digest = hashlib.sha256(base64.b64decode(self.a_key)).hexdigest()
        self.assertEqual(out.replace(" ", ""), digest)
        self.assertEqual(len(out.split(" ")), 16)

    def test_node_key_open_to_other_users_is_refused(self):
        d, _ = self.init_node("Node K")
        key_path = os.path.join(d, "node.key")
        os.chmod(key_path, 0o644)
        p = self.run_cli(d, "node", "key")
        self.assertEqual(p.returncode, 2, self.describe_run(("node", "key"), p))
        self.assertIn("chmod 600", p.stderr.decode())
        self.assertEqual(p.stdout, b"")


if __name__ == "__main__":
    unittest.main()
