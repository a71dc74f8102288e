#!/usr/bin/env python3
"""End-to-end tests of `kongsi policy check` (docs/policy.md, "Checking and explaining"): a
good policy passes with a summary; errors (unknown organisations, communities, collections)
fail with file:line:column, also in a file `[policy] include` names; warnings (an expired
agreement, AMBER+STRICT through communities only, a token of an undeclared organisation) do
not fail.

The policy on a running server is tested in tests/policy_test.py.

Environment: KONGSI_BIN (the binary, set by CTest).
Run: KONGSI_BIN=build/debug/kongsi python3 tests/policy_cli_test.py -v
"""

import os
import re
import tempfile
import unittest

from node_case import ServerTestCase

GOOD = """\
[policy]
organisation = "my-cert"
default_tlp = "amber"

[[organisation]]
name = "my-cert"

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
max_tlp = "amber"
drop_properties = ["x_*"]

[[agreement]]
name = "sg-bilateral"
with = ["sg-cert"]
collections = ["fin"]
max_tlp = "amber+strict"
"""

SUMMARY_RE = re.compile(r"^(.*): (\d+) organisations, (\d+) principals, (\d+) communities, "
                        r"(\d+) agreements, (\d+) peers; (\d+) errors?, (\d+) warnings?$")


def line_of(text, needle, occurrence=1):
    """The 1-based line number of the `occurrence`-th line of `text` that equals `needle`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line == needle:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError("%r not in the policy text" % needle)


class PolicyCheckTest(ServerTestCase):
    """One node with collection `fin` and a token of bank-a; every test writes its own policy
    file and runs `kongsi policy check --config FILE` (or with kongsi.toml in the data
    directory)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.node_dir = cls.new_node("check node")
        cls.fin = cls.new_collection(cls.node_dir, "Finance", alias="fin")
        cls.new_token(cls.node_dir, "soc-bank-a", read=["fin"], org="bank-a")

    def write(self, text, name="policy.toml"):
        path = os.path.join(tempfile.mkdtemp(dir=self.tmp), name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def check(self, path, expect_rc):
        p = self.run_cli(self.node_dir, "policy", "check", "--config", path)
        self.assertEqual(p.returncode, expect_rc, self.describe_run(("policy", "check"), p))
        return p.stdout.decode().splitlines()

    def summary(self, lines):
        m = SUMMARY_RE.match(lines[-1]) if lines else None
        self.assertIsNotNone(m, "no summary line last: %r" % lines)
        return m

    def test_good_policy(self):
        path = self.write(GOOD)
        lines = self.check(path, 0)
        m = self.summary(lines)
        self.assertEqual(m.group(1), path)
        self.assertEqual([int(g) for g in m.groups()[1:]], [4, 1, 1, 2, 0, 0, 0])
        self.assertEqual(lines, [lines[-1]], "a clean policy prints only the summary")

    def test_peers_are_checked_with_the_policy(self):
        peers = """
[[peer]]
name = "sg-node"
url = "https://taxii.example.sg/api1/"
pull = [{ remote = "r1", into = "nowhere" }]
push = [{ local = "fin", to = "r2" }]

[[peer]]
name = "partner-x"
url = "https://x.example/api1/"
organisation = "org-x"
pull = [{ remote = "r3", into = "fin" }]
"""
        path = self.write(GOOD + peers)
        lines = self.check(path, 1)
        text = "\n".join(lines)
        first = line_of(GOOD + peers, "[[peer]]")
        second = line_of(GOOD + peers, "[[peer]]", 2)
        self.assertIn('error: %s:%d peer "sg-node": pulls into collection "nowhere", which this '
                      'node does not have' % (path, first), text)
        # sg-node is declared (kind = "peer") in GOOD, but has no token on this node.
        self.assertIn('warning: %s:%d peer "sg-node": no live token is named "sg-node"'
                      % (path, first), text)
        self.assertIn('warning: %s:%d peer "partner-x": its organisation "org-x" is not declared'
                      % (path, second), text)
        self.assertNotIn("pushes, but", text)
        self.assertEqual(int(self.summary(lines).group(6)), 2)
        # A pushing peer without a peer principal is an error.
        lines = self.check(self.write(GOOD + peers.replace('name = "sg-node"', 'name = "sg-x"')), 1)
        self.assertIn('peer "sg-x": pushes, but no [[principal]] name = "sg-x" with kind = "peer"',
                      "\n".join(lines))

    def test_policy_in_the_data_directory(self):
        node = self.new_node("kongsi.toml node")
        self.new_collection(node, "Finance", alias="fin")
        path = os.path.join(node, "kongsi.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(GOOD.replace('"fin"', '"nowhere"', 1))
        p = self.run_cli(node, "policy", "check")
        self.assertEqual(p.returncode, 1, self.describe_run(("policy", "check"), p))
        out = p.stdout.decode()
        self.assertIn('kongsi.toml:%d:1 agreement "finance-sector": collection "nowhere" does '
                      'not exist on this node' % line_of(GOOD, "[[agreement]]"), out)

    def test_errors_name_file_line_and_column(self):
        text = GOOD.replace('members = ["bank-a", "bank-b"]',
                            'members = ["bank-a", "bank-z"]').replace(
            'collections = ["fin"]\nmax_tlp = "amber+strict"',
            'collections = ["fin", "nowhere"]\nmax_tlp = "amber+strict"')
        path = self.write(text)
        lines = self.check(path, 1)
        errors = [line for line in lines if line.startswith("error: ")]
        self.assertEqual(errors, [
            'error: %s:%d:1 community "finance": member "bank-z" is not a declared '
            'organisation' % (path, line_of(text, "[[community]]")),
            'error: %s:%d:1 agreement "sg-bilateral": collection "nowhere" does not exist on '
            'this node' % (path, line_of(text, "[[agreement]]", 2)),
        ])
        self.assertEqual([int(g) for g in self.summary(lines).groups()[5:]], [0, 2, 0])

    def test_more_errors(self):
        text = GOOD + """
[[principal]]
name = "sg-node"
organisation = "nowhere-cert"

[[community]]
name = "bank-b"
members = ["bank-a"]

[[agreement]]
name = "strange"
with = ["nobody"]
collections = ["fin"]
drop_properties = ["modified"]
strip_reference_hosts = ["https://intranet.example/"]
"""
        path = self.write(text)
        lines = self.check(path, 1)
        errors = "\n".join(line for line in lines if line.startswith("error: "))
        principal = "%s:%d:1 principal \"sg-node\"" % (path, line_of(text, "[[principal]]", 2))
        self.assertIn(principal + ": declared twice", errors)
        self.assertIn(principal + ': organisation "nowhere-cert" is not declared', errors)
        self.assertIn('%s:%d:1 community "bank-b": has the name of an organisation'
                      % (path, line_of(text, "[[community]]", 2)), errors)
        agreement = '%s:%d:1 agreement "strange"' % (path, line_of(text, "[[agreement]]", 3))
        self.assertIn(agreement + ': recipient "nobody" is neither an organisation nor a '
                      'community', errors)
        self.assertIn(agreement + ': "modified" drops modified, which every disclosed object keeps', errors)
        self.assertIn(agreement + ': strip_reference_hosts "https://intranet.example/" is not '
                      'a host name', errors)
        self.assertGreaterEqual(int(self.summary(lines).group(7)), 6)

    def test_warnings_do_not_fail(self):
        text = GOOD + """
[[agreement]]
name = "old"
with = ["bank-a"]
collections = ["fin"]
max_tlp = "green"
expires = 2020-01-01

[[agreement]]
name = "strict-by-community"
with = ["finance"]
collections = ["*"]
max_tlp = "amber+strict"
"""
        path = self.write(text)
        lines = self.check(path, 0)
        warnings = [line for line in lines if line.startswith("warning: ")]
        self.assertEqual(len(warnings), 2, lines)
        self.assertTrue(warnings[0].startswith(
            'warning: %s:%d:1 agreement "old": can never apply: it expired at 2020-01-01'
            % (path, line_of(text, "[[agreement]]", 3))), warnings)
        self.assertTrue(warnings[1].startswith(
            'warning: %s:%d:1 agreement "strict-by-community": AMBER+STRICT goes only to '
            'organisations an agreement names itself' % (path, line_of(text, "[[agreement]]", 4))),
            warnings)
        self.assertFalse([line for line in lines if line.startswith("error: ")], lines)
        self.assertEqual([int(g) for g in self.summary(lines).groups()[1:]], [4, 1, 1, 4, 0, 0, 2])

    def test_token_of_an_undeclared_organisation_is_a_warning(self):
        path = self.write(GOOD.replace('name = "bank-a"', 'name = "bank-a-ltd"').replace(
            '["bank-a", "bank-b"]', '["bank-a-ltd", "bank-b"]'))
        lines = self.check(path, 0)
        self.assertIn('warning: token "soc-bank-a": belongs to "bank-a", which the policy does '
                      'not declare: it receives only TLP:CLEAR', lines)

    def test_included_policy_file(self):
        text = GOOD.replace('"bank-b"]', '"bank-q"]')
        included = self.write(text, "sharing.toml")
        main = os.path.join(os.path.dirname(included), "kongsi.toml")
        with open(main, "w", encoding="utf-8") as f:
            f.write('[policy]\ninclude = "sharing.toml"\n')
        lines = self.check(main, 1)
        self.assertIn('error: %s:%d:1 community "finance": member "bank-q" is not a declared '
                      'organisation' % (included, line_of(text, "[[community]]")), lines)
        self.assertEqual(self.summary(lines).group(1), included)

    def test_unreadable_policy(self):
        path = self.write(GOOD + "\n[[agreement]\nname = \n")
        p = self.run_cli(self.node_dir, "policy", "check", "--config", path)
        self.assertNotEqual(p.returncode, 0, self.describe_run(("policy", "check"), p))
        self.assertRegex(p.stderr.decode(), re.escape(path) + r":\d+:\d+")


if __name__ == "__main__":
    unittest.main()
