"""Shared set-up of the end-to-end tests (imported by the *_test.py files, not a test itself).

The binary comes from $KONGSI_BIN (set by CTest); every test gets a fresh temporary directory,
removed afterwards, with the node's data directory `node/` inside it.
"""
import os
import shutil
import tempfile
import unittest

KONGSI_BIN = os.environ.get("KONGSI_BIN", "")


def clean_env(**extra):
    """The environment for a kongsi process: ours, without KONGSI_DATA_DIR, plus `extra`."""
    env = dict(os.environ)
    env.pop("KONGSI_DATA_DIR", None)
    env.update(extra)
    return env


class NodeTestCase(unittest.TestCase):
    tmp_prefix = "kongsi-e2e-"

    @classmethod
    def setUpClass(cls):
        if not KONGSI_BIN or not os.access(KONGSI_BIN, os.X_OK):
            raise RuntimeError(
                "KONGSI_BIN must name the kongsi binary (got %r); CTest sets it" % KONGSI_BIN)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix=self.tmp_prefix)
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.data_dir = os.path.join(self.tmp, "node")
