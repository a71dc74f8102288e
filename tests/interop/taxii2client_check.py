#!/usr/bin/env python3
"""Interoperability check of `kongsi serve` with the OASIS TAXII 2.1 client library
(taxii2-client, https://github.com/oasis-open/cti-taxii-client), an independent
implementation of the standard. Not part of `make test`: the client is not a Debian package.

    git clone https://github.com/oasis-open/cti-taxii-client /tmp/taxii2-client
    apt-get install python3-requests python3-six python3-tz
    KONGSI_BIN=build/debug/kongsi TAXII2CLIENT_DIR=/tmp/taxii2-client \
        /usr/bin/python3 tests/interop/taxii2client_check.py

It starts a node on 127.0.0.1 (ephemeral port) and drives every endpoint through the
client's v21 API: discovery, API root, collections, add objects (status), get objects with
the client's own paging (as_pages), filters, get object, versions, manifest, delete, and
Basic authentication. Prints one line per check and exits 1 on the first failure.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid

KONGSI = os.environ.get("KONGSI_BIN", "build/debug/kongsi")
CLIENT_DIR = os.environ.get("TAXII2CLIENT_DIR", "")
if not CLIENT_DIR or not os.path.isdir(os.path.join(CLIENT_DIR, "taxii2client")):
    sys.exit("set TAXII2CLIENT_DIR to a checkout of oasis-open/cti-taxii-client")
sys.path.insert(0, CLIENT_DIR)

import requests  # noqa: E402
from taxii2client.common import TokenAuth  # noqa: E402
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages  # noqa: E402


class Bearer(requests.auth.AuthBase):
    def __init__(self, token):
        self.token = token

    def __call__(self, r):
        r.headers["Authorization"] = "Bearer " + self.token
        return r


def indicator(n, modified="2026-01-01T00:00:00.000Z", oid=None):
    return {
        "type": "indicator", "spec_version": "2.1",
        "id": oid or "indicator--%s" % uuid.uuid4(),
        "created": "2026-01-01T00:00:00.000Z", "modified": modified,
        "pattern": "[ipv4-addr:value = '198.51.100.%d']" % (n % 250),
        "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
    }


def check(label, condition):
    print(("ok    " if condition else "FAIL  ") + label)
    if not condition:
        sys.exit(1)


def main():
    tmp = tempfile.mkdtemp(prefix="kongsi-interop-")
    server = None
    try:
        data = os.path.join(tmp, "node")
        run = lambda *args: subprocess.run([KONGSI, "-q", "--data-dir", data, *args], check=True,
                                           capture_output=True, text=True).stdout.strip()
        run("init")
        collection_id = run("collections", "create", "interop", "--alias", "interop")
        token = run("token", "create", "--name", "client", "--read", "*", "--write", "*")
        server = subprocess.Popen([KONGSI, "--data-dir", data, "serve", "--listen", "127.0.0.1:0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = server.stdout.readline()
        url = re.search(r"(http://\S+/taxii2/)", line).group(1)
        s = Server(url, auth=TokenAuth(token))  # the client's own "Token" scheme
        check("discovery: title %r, %d API root(s)" % (s.title, len(s.api_roots)),
              s.title == "kongsi" and len(s.api_roots) == 1)
        root = s.api_roots[0]
        check("API root: versions %s, max_content_length %d" % (root.versions, root.max_content_length),
              root.versions == ["application/taxii+json;version=2.1"])
        check("collections: %d, can_read=%s can_write=%s" % (
            len(root.collections), root.collections[0].can_read, root.collections[0].can_write),
            len(root.collections) == 1 and root.collections[0].id == collection_id)
        c = root.collections[0]

        objects = [indicator(i) for i in range(25)]
        bad = {"type": "indicator", "id": "nope"}
        status = c.add_objects({"objects": objects + [bad]})
        check("add objects: status %s, %d successes, %d failures" % (
            status.status, status.success_count, status.failure_count),
            status.status == "complete" and status.success_count == 25 and status.failure_count == 1)
        again = root.get_status(status.id)
        check("get status again by id", again.id == status.id and again.total_count == 26)

        seen = []
        for page in as_pages(c.get_objects, per_request=10):
            seen += [o["id"] for o in page.get("objects", [])]
        check("as_pages(get_objects, per_request=10): %d objects, each once" % len(seen),
              sorted(seen) == sorted(o["id"] for o in objects))
        manifest = []
        for page in as_pages(c.get_manifest, per_request=7):
            manifest += page.get("objects", [])
        check("as_pages(get_manifest, per_request=7): %d entries" % len(manifest), len(manifest) == 25)

        target = objects[3]["id"]
        filtered = c.get_objects(id=target)  # the client's match[id] filter
        check("get_objects(id=...) filter", [o["id"] for o in filtered["objects"]] == [target])
        typed = c.get_objects(type=["malware"])
        check("get_objects(type=malware): no objects", not typed.get("objects"))

        newer = indicator(3, modified="2026-02-01T00:00:00.000Z", oid=target)
        c.add_objects({"objects": [newer]})
        versions = c.object_versions(target)
        check("object_versions: %s" % versions["versions"],
              versions["versions"] == ["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"])
        one = c.get_object(target, version="all")
        check("get_object(version=all): %d versions" % len(one["objects"]), len(one["objects"]) == 2)
        first = c.get_object(target, version="first")
        check("get_object(version=first)", first["objects"][0]["modified"] == "2026-01-01T00:00:00.000Z")

        c.delete_object(target)
        try:
            c.get_object(target)
            gone = False
        except Exception as e:  # the client raises on 404
            gone = "404" in str(e)
        check("delete_object, then get_object is 404", gone)

        bearer = Collection(c.url, auth=Bearer(token))
        check("Bearer authentication", len(bearer.get_objects(limit=1)["objects"]) == 1)
        basic = Collection(c.url, user="client", password=token)
        check("Basic authentication (user = token name, password = token)",
              len(basic.get_objects(limit=1)["objects"]) == 1)
        try:
            ApiRoot(root.url, auth=Bearer("kongsi_0000000000000000_x")).refresh()
            refused = False
        except Exception as e:
            refused = "401" in str(e)
        check("wrong token refused with 401", refused)
        print("all checks passed")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=15)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
