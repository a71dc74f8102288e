#!/usr/bin/env python3
"""End-to-end tests of who may use `kongsi serve`, and of its life cycle: API tokens (the
`kongsi token` commands, Bearer and Basic authentication, revocation while the server runs),
collections a token may not read looking exactly like unknown ones, the admin token made on
the first start, restarts keeping objects and status resources, graceful shutdown on SIGTERM
and SIGINT (exit code 0, access log flushed), and HTTPS with tls_cert / tls_key.

Environment: KONGSI_BIN (the binary, set by CTest).
Fixtures: tests/data/tls/server.crt, server.key (a self-signed test-only certificate for
127.0.0.1 and localhost, valid until 2126).
Run: KONGSI_BIN=build/debug/kongsi python3 tests/taxii_auth_test.py -v
"""

import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import threading
import time
import unittest
import uuid

from node_case import (ADMIN_TOKEN_RE, KONGSI_BIN, TAXII_MEDIA_TYPE, ServerTestCase,
                       TaxiiClient, basic_auth, clean_env, http_request, stix_indicator)

HERE = os.path.dirname(os.path.abspath(__file__))
TLS_CERT = os.path.join(HERE, "data", "tls", "server.crt")
TLS_KEY = os.path.join(HERE, "data", "tls", "server.key")


def split_token(token):
    """`kongsi_<16 hex>_<secret>` -> ("kongsi_<16 hex>", secret); the secret (base64url) may
    itself contain '_'."""
    head = len("kongsi_") + 16
    assert token[head] == "_", token
    return token[:head], token[head + 1:]


class AuthTest(ServerTestCase):
    """One server; collections `alpha` and `secret`; the reader's organisation (Bank A) has an
    agreement for alpha up to AMBER, the full token belongs to the node's own organisation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d = cls.node_dir = cls.new_node("auth node")
        cls.alpha = cls.new_collection(d, "Alpha", alias="alpha")
        cls.secret = cls.new_collection(d, "Secret", alias="secret")
        cls.secret_obj = stix_indicator("203.0.113.99")
        cls.ingest_objects(d, cls.secret, [cls.secret_obj])
        cls.alpha_obj = stix_indicator("203.0.113.98")
        cls.ingest_objects(d, cls.alpha, [cls.alpha_obj])
        cls.full_token = cls.new_token(d, "full", read=["*"], write=["*"])
        cls.reader_token = cls.new_token(d, "alpha-reader", read=["alpha"], org="Bank A")
        with open(os.path.join(d, "kongsi.toml"), "w", encoding="utf-8") as f:
            f.write('[[organisation]]\nname = "Bank A"\n\n[[agreement]]\nname = "bank-a"\n'
                    'with = ["Bank A"]\ncollections = ["alpha"]\nmax_tlp = "amber"\n')
        cls.server = cls.start_server(d)
        cls.client = TaxiiClient(cls.server.port)
        cls.full = cls.client.as_token(cls.full_token)
        cls.reader = cls.client.as_token(cls.reader_token)

    def alpha_objects(self):
        return "/api1/collections/%s/objects/" % self.alpha

    def assert_401(self, resp):
        body = self.assert_error(resp, 401)
        self.assertTrue(resp.header("WWW-Authenticate"), "401 without WWW-Authenticate:\n%s"
                        % resp)
        return body

    def token_list(self):
        return json.loads(self.cli_ok(self.node_dir, "token", "list", "--json"))

    # --- authentication ------------------------------------------------------------------------
    def test_no_credentials_is_401_everywhere(self):
        for method, path in (("GET", "/taxii2/"), ("GET", "/api1/"),
                             ("GET", "/api1/collections/"),
                             ("GET", "/api1/collections/%s/" % self.alpha),
                             ("GET", self.alpha_objects()),
                             ("GET", "/api1/collections/%s/manifest/" % self.alpha),
                             ("GET", "/api1/status/%s/" % uuid.uuid4()),
                             ("POST", self.alpha_objects()),
                             ("DELETE", self.alpha_objects() + self.alpha_obj["id"] + "/")):
            with self.subTest(method=method, path=path):
                body = {"objects": [stix_indicator()]} if method == "POST" else None
                self.assert_401(self.client.request(method, path, body=body))
        self.assert_taxii(self.full.get(self.alpha_objects() + self.alpha_obj["id"] + "/"))

    def test_bearer(self):
        body = self.assert_taxii(self.reader.get(self.alpha_objects()))
        self.assertEqual(body["objects"], [self.alpha_obj])

    def test_basic_with_token_name_and_token(self):
        auth = basic_auth("alpha-reader", self.reader_token)
        body = self.assert_taxii(self.client.get(self.alpha_objects(), authorization=auth))
        self.assertEqual(body["objects"], [self.alpha_obj])
        cols = self.assert_taxii(self.client.get("/api1/collections/", authorization=auth))
        self.assertEqual([c["id"] for c in cols["collections"]], [self.alpha])

    def test_auth_scheme_is_case_insensitive(self):
        # RFC 9110 section 11.1: the authentication scheme is case-insensitive
        self.assert_taxii(self.client.get("/taxii2/", authorization="bearer " + self.reader_token))
        self.assert_taxii(self.client.get(
            "/taxii2/", authorization=basic_auth("alpha-reader", self.reader_token).replace(
                "Basic", "basic")))

    def test_wrong_credentials_are_401(self):
        prefix, secret = split_token(self.reader_token)
        wrong_secret = prefix + "_" + ("A" if secret[0] != "A" else "B") + secret[1:]
        unknown_key = "kongsi_%016x_%s" % (uuid.uuid4().int >> 64, secret)
        cases = {
            "garbage": "Bearer garbage",
            "empty bearer": "Bearer ",
            "bearer alone": "Bearer",
            "wrong secret": "Bearer " + wrong_secret,
            "unknown key id": "Bearer " + unknown_key,
            "token plus junk": "Bearer " + self.reader_token + "x",
            "other scheme": "Negotiate " + self.reader_token,
            "digest": 'Digest username="alpha-reader", response="%s"' % self.reader_token,
            "basic other name": basic_auth("full", self.reader_token),
            "basic wrong secret": basic_auth("alpha-reader", wrong_secret),
            "basic no password": basic_auth("alpha-reader", ""),
            "basic not base64": "Basic !!!",
        }
        bodies = {}
        for what, auth in cases.items():
            with self.subTest(what):
                bodies[what] = self.assert_401(self.client.get("/api1/collections/",
                                                               authorization=auth))
        # clients get one generic answer, whatever was wrong
        self.assertEqual(bodies["wrong secret"], bodies["unknown key id"])
        self.assertEqual(bodies["wrong secret"], bodies["basic wrong secret"])

    def test_revoked_token_is_refused_at_once(self):
        token = self.new_token(self.node_dir, "short-lived", read=["alpha"])
        client = self.client.as_token(token)
        basic = basic_auth("short-lived", token)
        self.assert_taxii(client.get(self.alpha_objects()))  # verified (and remembered)
        self.assert_taxii(self.client.get(self.alpha_objects(), authorization=basic))
        wrong = self.assert_401(self.client.get(
            self.alpha_objects(), authorization="Bearer " + token[:-1] +
            ("A" if token[-1] != "A" else "B")))
        self.cli_ok(self.node_dir, "token", "revoke", "short-lived")
        revoked = self.assert_401(client.get(self.alpha_objects()))
        self.assertEqual(revoked, wrong, "a revoked token must not be told apart")
        self.assert_401(self.client.get(self.alpha_objects(), authorization=basic))
        self.assert_401(client.get("/taxii2/"))
        entry = [e for e in self.token_list() if e.get("name") == "short-lived"]
        self.assertEqual(len(entry), 1, entry)
        self.assertTrue(entry[0].get("revoked"), entry)
        # other tokens are not affected
        self.assert_taxii(self.reader.get(self.alpha_objects()))

    # --- rights: a collection one may not read does not exist ---------------------------------
    def test_unreadable_collection_looks_like_an_unknown_one(self):
        unknown = str(uuid.uuid4())
        oid = self.secret_obj["id"]
        requests = [
            ("GET", "/api1/collections/%s/", None),
            ("GET", "/api1/collections/%s/objects/", None),
            ("GET", "/api1/collections/%s/objects/?match[type]=indicator", None),
            ("GET", "/api1/collections/%s/manifest/", None),
            ("GET", "/api1/collections/%s/objects/" + oid + "/", None),
            ("GET", "/api1/collections/%s/objects/" + oid + "/versions/", None),
            ("POST", "/api1/collections/%s/objects/", {"objects": [stix_indicator()]}),
            ("DELETE", "/api1/collections/%s/objects/" + oid + "/", None),
        ]
        for method, template, body in requests:
            with self.subTest(method=method, path=template):
                hidden = self.reader.request(method, template % self.secret, body=body)
                missing = self.reader.request(method, template % unknown, body=body)
                b_hidden = self.assert_error(hidden, 404)
                b_missing = self.assert_error(missing, 404)
                self.assertEqual(json.dumps(b_hidden, sort_keys=True).replace(self.secret, "ID"),
                                 json.dumps(b_missing, sort_keys=True).replace(unknown, "ID"))
                for h in ("Content-Type", "WWW-Authenticate", "Allow"):
                    self.assertEqual(hidden.header(h), missing.header(h), h)
        self.assert_taxii(self.full.get("/api1/collections/%s/objects/%s/" % (self.secret, oid)))
        cols = self.assert_taxii(self.reader.get("/api1/collections/"))
        self.assertNotIn(self.secret, json.dumps(cols))

    def test_read_only_token_cannot_write(self):
        obj = stix_indicator()
        self.assert_error(self.reader.post(self.alpha_objects(), {"objects": [obj]}), 403)
        self.assert_error(self.reader.delete(self.alpha_objects() + self.alpha_obj["id"] + "/"),
                          403)
        self.assert_error(self.full.get(self.alpha_objects() + obj["id"] + "/"), 404)
        self.assert_taxii(self.full.get(self.alpha_objects() + self.alpha_obj["id"] + "/"))

    def test_status_is_invisible_to_another_token(self):
        resp = self.full.post(self.alpha_objects(), {"objects": [stix_indicator()]})
        status = self.assert_taxii(resp, 202)
        path = "/api1/status/%s/" % status["id"]
        self.assertEqual(self.assert_taxii(self.full.get(path)), status)
        self.assert_error(self.reader.get(path), 404)
        self.assert_error(self.client.get(path, authorization=basic_auth(
            "alpha-reader", self.reader_token)), 404)

    # --- the token commands -----------------------------------------------------------------
    def test_token_list_never_shows_secrets(self):
        text = self.cli_ok(self.node_dir, "token", "list")
        as_json = self.cli_ok(self.node_dir, "token", "list", "--json")
        for token in (self.full_token, self.reader_token):
            secret = split_token(token)[1]
            self.assertNotIn(secret, text)
            self.assertNotIn(secret, as_json)
        entries = {e["name"]: e for e in json.loads(as_json)}
        self.assertIn("full", entries)
        self.assertIn("alpha-reader", entries)
        reader = json.dumps(entries["alpha-reader"])
        self.assertIn("Bank A", reader)
        self.assertTrue(self.alpha in reader or "alpha" in reader, reader)
        self.assertFalse(entries["alpha-reader"].get("revoked"), reader)
        self.assertTrue(any("created" in k for k in entries["alpha-reader"]), reader)
        self.assertIn("alpha-reader", text)

    def test_token_create_errors(self):
        d = self.node_dir
        p = self.run_cli(d, "token", "create", "--name", "full", "--read", "*")
        self.assertEqual(p.returncode, 1, self.describe_run(["token create full"], p))
        self.assertEqual(p.stdout.strip(), b"")
        p = self.run_cli(d, "token", "create", "--name", "nope", "--read", "no-such-collection")
        self.assertEqual(p.returncode, 1, self.describe_run(["token create nope"], p))
        self.assertIn("no-such-collection", p.stderr.decode())
        p = self.run_cli(d, "token", "create", "--name", "nope2", "--write", str(uuid.uuid4()))
        self.assertEqual(p.returncode, 1, self.describe_run(["token create nope2"], p))
        names = [e["name"] for e in self.token_list()]
        self.assertNotIn("nope", names)
        self.assertNotIn("nope2", names)
        p = self.run_cli(d, "token", "revoke", "no-such-token")
        self.assertEqual(p.returncode, 1, self.describe_run(["token revoke"], p))

    def test_revoked_name_can_be_issued_again(self):
        d = self.node_dir
        first = self.new_token(d, "rotating", read=["alpha"])
        self.cli_ok(d, "token", "revoke", "rotating")
        p = self.run_cli(d, "token", "revoke", "rotating")
        self.assertEqual(p.returncode, 1, "no live token of that name any more")
        second = self.new_token(d, "rotating", read=["alpha"])
        self.assertNotEqual(first, second)
        self.assert_401(self.client.as_token(first).get(self.alpha_objects()))
        self.assert_taxii(self.client.as_token(second).get(self.alpha_objects()))
        self.assert_taxii(self.client.get(self.alpha_objects(),
                                          authorization=basic_auth("rotating", second)))
        self.assert_401(self.client.get(self.alpha_objects(),
                                        authorization=basic_auth("rotating", first)))


class LifecycleTest(ServerTestCase):
    """Each test has its own node (in self.tmp) and starts and stops servers itself."""

    def node(self):
        d = os.path.join(self.tmp, "node")
        self.cli_ok(d, "init", "--name", "lifecycle node")
        return d

    def serve(self, data_dir, config_text=None):
        return self.start_server(data_dir, config_text, cleanup=self.addCleanup)

    def stop_ok(self, server, sig=signal.SIGTERM):
        rc = server.stop(sig)
        self.assertEqual(rc, 0, "exit code after %s%s" % (sig, server.describe()))

    def test_admin_token_on_first_start_only(self):
        d = self.node()
        col = self.new_collection(d, "First")
        server = self.serve(d)
        m = server.wait_for_line(ADMIN_TOKEN_RE, 30)
        self.assertIsNotNone(m, "no admin token printed%s" % server.describe())
        admin = TaxiiClient(server.port, m.group(1))
        cols = self.assert_taxii(admin.get("/api1/collections/"))
        self.assertEqual([(c["id"], c["can_read"], c["can_write"]) for c in cols["collections"]],
                         [(col, True, True)])
        obj = stix_indicator()
        status = self.assert_taxii(admin.post("/api1/collections/%s/objects/" % col,
                                              {"objects": [obj]}), 202)
        self.assertEqual(status["success_count"], 1, status)
        self.stop_ok(server)
        self.assertEqual(server.stdout_text().count("admin token"), 1, server.stdout_text())
        names = [e["name"] for e in json.loads(self.cli_ok(d, "token", "list", "--json"))]
        self.assertEqual(names, ["admin"])
        again = self.serve(d)
        self.assert_taxii(TaxiiClient(again.port, m.group(1)).get(
            "/api1/collections/%s/objects/%s/" % (col, obj["id"])))
        self.stop_ok(again)
        self.assertNotIn("admin token", again.stdout_text())

    def test_no_admin_token_when_a_token_exists(self):
        d = self.node()
        self.new_token(d, "someone", read=["*"])
        server = self.serve(d)
        self.assertEqual(http_request(server.port, "GET", "/healthz").status, 200)
        self.stop_ok(server)
        self.assertNotIn("admin token", server.stdout_text())
        names = [e["name"] for e in json.loads(self.cli_ok(d, "token", "list", "--json"))]
        self.assertEqual(names, ["someone"])

    def test_restart_keeps_objects_and_status(self):
        d = self.node()
        col = self.new_collection(d, "Durable", alias="durable")
        token = self.new_token(d, "durable", read=["*"], write=["*"])
        server = self.serve(d)
        client = TaxiiClient(server.port, token)
        objs = [stix_indicator(), stix_indicator()]
        bad = stix_indicator()
        del bad["pattern"]
        path = "/api1/collections/%s/objects/" % col
        status = self.assert_taxii(client.post(path, {"objects": objs + [bad]}), 202)
        self.assertEqual((status["success_count"], status["failure_count"]), (2, 1), status)
        before = self.assert_taxii(client.get(path))
        manifest = self.assert_taxii(client.get("/api1/collections/%s/manifest/" % col))
        self.stop_ok(server)

        server = self.serve(d)
        client = TaxiiClient(server.port, token)
        self.assertEqual(self.assert_taxii(client.get(path)), before)
        self.assertEqual(sorted(o["id"] for o in before["objects"]),
                         sorted(o["id"] for o in objs))
        self.assertEqual(self.assert_taxii(client.get("/api1/collections/%s/manifest/" % col)),
                         manifest)
        self.assertEqual(self.assert_taxii(client.get("/api1/status/%s/" % status["id"])),
                         status)
        self.stop_ok(server, signal.SIGINT)

    def test_signal_right_after_the_serving_line_is_graceful(self):
        """A supervisor may stop the server as soon as it says it is serving: the signal is
        sent the moment the line is read (no reader thread in between)."""
        d = self.node()
        self.new_token(d, "someone", read=["*"])
        cmd = [os.path.abspath(KONGSI_BIN), "--data-dir", d, "serve", "--listen", "127.0.0.1:0"]
        for i, sig in enumerate([signal.SIGTERM, signal.SIGINT] * 10):
            with self.subTest(attempt=i, signal=sig):
                p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=clean_env())
                try:
                    line = p.stdout.readline().decode()  # EOF if it dies: then the assert fails
                    self.assertIn("serving TAXII 2.1", line)
                    p.send_signal(sig)
                    rc = p.wait(30)
                finally:
                    if p.poll() is None:
                        p.kill()
                        p.wait(30)
                    p.stdout.close()
                self.assertEqual(rc, 0, "exit code after %s sent right after %r" % (sig, line))

    def test_sigterm_flushes_the_access_log_and_exits_0(self):
        d = self.node()
        token = self.new_token(d, "logger", read=["*"])
        log = os.path.join(self.tmp, "access.log")
        server = self.serve(d, '[server]\naccess_log = "%s"\n' % log)
        client = TaxiiClient(server.port, token)
        probe = "/taxii2/?probe=%s" % uuid.uuid4().hex
        self.assert_taxii(client.get(probe))
        self.stop_ok(server, signal.SIGTERM)  # no waiting for the once-a-second flush
        with open(log, encoding="utf-8") as f:
            entries = [json.loads(line) for line in f if line.strip()]
        mine = [e for e in entries if e.get("target") == probe]
        self.assertEqual(len(mine), 1, entries)
        self.assertEqual(mine[0]["status"], 200)
        self.assertTrue(mine[0].get("route"), mine[0])

    def test_access_log_to_stdout(self):
        d = self.node()
        token = self.new_token(d, "logger", read=["*"])
        server = self.serve(d, '[server]\naccess_log = "-"\n')
        probe = "/taxii2/?probe=%s" % uuid.uuid4().hex
        self.assert_taxii(TaxiiClient(server.port, token).get(probe))
        self.stop_ok(server, signal.SIGINT)
        lines = [json.loads(line) for line in server.stdout_text().splitlines()
                 if line.startswith("{")]
        self.assertEqual([e["status"] for e in lines if e.get("target") == probe], [200],
                         server.stdout_text())

    def test_shutdown_while_clients_are_busy(self):
        d = self.node()
        col = self.new_collection(d, "Busy")
        token = self.new_token(d, "busy", read=["*"], write=["*"])
        server = self.serve(d)
        client = TaxiiClient(server.port, token)
        results, stop = [], threading.Event()
        started = threading.Event()

        def hammer():
            while not stop.is_set():
                try:
                    resp = client.post("/api1/collections/%s/objects/" % col,
                                       {"objects": [stix_indicator()]})
                    results.append(resp)
                    started.set()
                except OSError:
                    results.append(None)  # refused or closed while shutting down
                    started.set()
                    if not server.running():
                        return

        threads = [threading.Thread(target=hammer, daemon=True) for _ in range(4)]
        for t in threads:
            t.start()
        self.assertTrue(started.wait(60))
        rc = server.stop(signal.SIGTERM)
        stop.set()
        for t in threads:
            t.join(60)
        self.assertEqual(rc, 0, server.describe())
        answered = [r for r in results if r is not None]
        self.assertTrue(answered)
        for r in answered:  # every answer is whole: a status resource or "unavailable"
            self.assertIn(r.status, (202, 503), str(r))
            if r.status == 202:
                self.assertEqual(r.json()["success_count"], 1, str(r))

    def test_connection_limit(self):
        d = self.node()
        token = self.new_token(d, "limited", read=["*"])
        server = self.serve(d, "[server]\nmax_connections = 2\n")
        headers = {"Accept": TAXII_MEDIA_TYPE, "Authorization": "Bearer " + token}
        conns = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                 for _ in range(3)]
        for c in conns:
            self.addCleanup(c.close)
        for c in conns[:2]:  # two kept-alive connections, both served
            self.assert_taxii(http_request(server.port, "GET", "/taxii2/", headers=headers,
                                           connection=c))
        try:
            third = http_request(server.port, "GET", "/taxii2/", headers=headers,
                                 connection=conns[2])
        except (OSError, http.client.HTTPException):
            third = None  # closed without an answer
        self.assertTrue(third is None or third.status == 503, str(third))
        # the first two still work
        for c in conns[:2]:
            self.assert_taxii(http_request(server.port, "GET", "/taxii2/", headers=headers,
                                           connection=c))
        conns[0].close()
        conns[2].close()
        ok = None
        for _ in range(100):  # the server notices the close asynchronously: bounded retries
            try:
                r = http_request(server.port, "GET", "/taxii2/", headers=headers)
            except (OSError, http.client.HTTPException):
                r = None
            if r is not None and r.status == 200:
                ok = r
                break
            time.sleep(0.1)
        self.assertIsNotNone(ok, "no connection accepted after one was closed")
        self.stop_ok(server)

    def test_slow_and_idle_connections_are_closed(self):
        d = self.node()
        token = self.new_token(d, "slow", read=["*"])
        server = self.serve(d, '[server]\nrequest_timeout = "1s"\nidle_timeout = "1s"\n')
        # a request that never finishes its headers: 408 (or just closed), within a bound
        slow = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        self.addCleanup(slow.close)
        slow.sendall(b"GET /taxii2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        data = b""
        while True:
            chunk = slow.recv(65536)  # socket.timeout (30 s) fails the test
            if not chunk:
                break
            data += chunk
        self.assertTrue(data == b"" or data.startswith(b"HTTP/1.1 408"), data[:200])
        # an idle keep-alive connection is closed by the server
        idle = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        self.addCleanup(idle.close)
        idle.sendall(b"GET /taxii2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: %s\r\n"
                     b"Authorization: Bearer %s\r\n\r\n" % (TAXII_MEDIA_TYPE.encode(),
                                                             token.encode()))
        data = b""
        while True:
            chunk = idle.recv(65536)
            if not chunk:
                break
            data += chunk
        self.assertTrue(data.startswith(b"HTTP/1.1 200"), data[:200])
        self.assertEqual(data.count(b"HTTP/1.1 "), 1, data[:400])
        self.stop_ok(server)

    def test_https(self):
        d = self.node()
        token = self.new_token(d, "tls", read=["*"])
        server = self.serve(d, '[server]\ntls_cert = "%s"\ntls_key = "%s"\n' % (TLS_CERT, TLS_KEY))
        self.assertEqual(server.scheme, "https", server.stdout_text())
        ctx = ssl.create_default_context(cafile=TLS_CERT)
        client = TaxiiClient(server.port, token, tls_context=ctx)
        disc = self.assert_taxii(client.get("/taxii2/"))
        self.assertEqual(disc["api_roots"], ["https://127.0.0.1:%d/api1/" % server.port], disc)
        resp = http_request(server.port, "GET", "/healthz", tls_context=ctx)
        self.assertEqual((resp.status, resp.text().strip()), (200, "ok"))
        # plain HTTP on the HTTPS port gets no TAXII answer
        try:
            plain = http_request(server.port, "GET", "/taxii2/", timeout=10, headers={
                "Accept": TAXII_MEDIA_TYPE, "Authorization": "Bearer " + token})
        except Exception:  # noqa: BLE001 - closed, reset or not HTTP: all fine
            plain = None
        self.assertTrue(plain is None or plain.status >= 400, str(plain))
        self.stop_ok(server)


if __name__ == "__main__":
    unittest.main()
