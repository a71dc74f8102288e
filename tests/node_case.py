"""Shared set-up of the end-to-end tests (imported by the *_test.py files, not a test itself).

The binary comes from $KONGSI_BIN (set by CTest); every test gets a fresh temporary directory,
removed afterwards, with the node's data directory `node/` inside it.
"""
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid

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


# --------------------------------------------------------------------------------------------
# `kongsi serve` (the TAXII 2.1 server): a running server process, plain HTTP requests, and
# STIX 2.1 objects made in code. Used by tests/taxii_*_test.py.

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
SERVING_RE = re.compile(r"kongsi: serving TAXII 2\.1 at (https?)://127\.0\.0\.1:(\d+)/taxii2/")
ADMIN_TOKEN_RE = re.compile(r"kongsi: admin token \(shown once\): (kongsi_[0-9a-f]{16}_\S+)")
TOKEN_RE = re.compile(r"^kongsi_[0-9a-f]{16}_\S+$")


class ServerProcess:
    """A `kongsi --data-dir D serve ...` child process.

    stdout is read line by line by a thread (the "serving" line, the admin token, an access log
    sent to "-"); stderr goes to a file beside the data directory. Every wait is bounded.
    """

    def __init__(self, data_dir, args=(), listen="127.0.0.1:0", log_path=None, env=None):
        self.data_dir = data_dir
        self.args = list(args)
        self.listen = listen
        self.log_path = log_path or data_dir.rstrip("/") + "-serve-%d.stderr" % id(self)
        self.env = env if env is not None else clean_env()
        self.proc = None
        self.lines = []
        self.scheme = None
        self.port = None
        self._cond = threading.Condition()
        self._eof = False

    def start(self, timeout=60):
        """Starts the server and waits for its "serving" line; returns self."""
        cmd = [os.path.abspath(KONGSI_BIN), "--data-dir", self.data_dir, "serve"]
        if self.listen is not None:
            cmd += ["--listen", self.listen]
        cmd += self.args
        self._stderr = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._stderr, env=self.env)
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()
        m = self.wait_for_line(SERVING_RE, timeout)
        if m is None:
            self.kill()
            raise AssertionError("kongsi serve did not print its serving line within %ds%s" % (
                timeout, self.describe()))
        self.scheme, self.port = m.group(1), int(m.group(2))
        return self

    def _read_stdout(self):
        for raw in iter(self.proc.stdout.readline, b""):
            with self._cond:
                self.lines.append(raw.decode("utf-8", errors="replace").rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def wait_for_line(self, regex, timeout=30):
        """The first match of `regex` in a stdout line, waiting up to `timeout` s; else None."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines:
                    m = regex.search(line)
                    if m:
                        return m
                remaining = deadline - time.monotonic()
                if self._eof or remaining <= 0:
                    return None
                self._cond.wait(min(remaining, 1.0))

    def stdout_text(self):
        with self._cond:
            return "\n".join(self.lines)

    def stderr_text(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def describe(self):
        rc = self.proc.poll() if self.proc else None
        return "\n[kongsi serve exit=%s]\nstdout:\n%s\nstderr:\n%s" % (
            rc, self.stdout_text()[-3000:], self.stderr_text()[-3000:])

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Sends `sig` and waits up to `timeout` s; kills it if still running. Returns the exit
        code (negative: killed by that signal), or None when it had to be killed."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        self._finish()
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        self._finish()

    def _finish(self):
        if getattr(self, "_reader", None) is not None:
            self._reader.join(timeout=10)
            if not self._reader.is_alive() and self.proc.stdout is not None:
                self.proc.stdout.close()
        if getattr(self, "_stderr", None) is not None:
            self._stderr.close()
            self._stderr = None


class HttpResponse:
    """A whole HTTP response: status, headers (case-insensitive), body bytes, and the request
    that produced it (for failure messages)."""

    def __init__(self, method, target, status, reason, headers, body, request_headers=None):
        self.method = method
        self.target = target
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.request_headers = request_headers or {}

    def header(self, name, default=None):
        return self.headers.get(name, default)

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def __str__(self):
        req = {k: ("<redacted>" if k.lower() == "authorization" else v)
               for k, v in self.request_headers.items()}
        return "%s %s %s\n-> %d %s\n%s\n%s" % (
            self.method, self.target, json.dumps(req), self.status, self.reason,
            "".join("%s: %s\n" % kv for kv in self.headers.items()), self.text()[:2000])


def http_request(port, method, target, body=None, headers=None, timeout=30, tls_context=None,
                 connection=None):
    """One request to 127.0.0.1:port on a new connection (or on `connection`, kept open)."""
    headers = dict(headers or {})
    if isinstance(body, str):
        body = body.encode("utf-8")
    if connection is not None:
        conn = connection
    elif tls_context is not None:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=tls_context)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, target, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        return HttpResponse(method, target, r.status, r.reason, r.headers, data, headers)
    finally:
        if connection is None:
            conn.close()


def raw_http(port, head, body_parts=(), timeout=30):
    """Writes `head` (bytes, the request line and headers) and then each of `body_parts` on a
    plain socket, stopping early if the server closes, and reads one response. Returns an
    HttpResponse, or raises AssertionError if the server sent no response at all."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sent_error = None
        try:
            sock.sendall(head)
            for part in body_parts:
                sock.sendall(part)
        except (BrokenPipeError, ConnectionResetError) as e:
            sent_error = e  # the server may answer and close before reading everything
        r = http.client.HTTPResponse(sock, method="POST")
        try:
            r.begin()
            data = r.read()
        except (ConnectionResetError, http.client.RemoteDisconnected,
                http.client.BadStatusLine) as e:
            raise AssertionError("no HTTP response to %r (send error: %r, read error: %r)" % (
                head[:200], sent_error, e))
        first = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
        return HttpResponse(first[0], first[1] if len(first) > 1 else "", r.status, r.reason,
                            r.headers, data)
    finally:
        sock.close()


def basic_auth(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def query_string(params):
    """`params` (a dict or a list of pairs) as a query string keeping [ ] , : readable, the way
    the TAXII specification writes it ("?match[type]=indicator,malware")."""
    if not params:
        return ""
    items = params.items() if isinstance(params, dict) else params
    return "?" + "&".join("%s=%s" % (urllib.parse.quote(str(k), safe="[]"),
                                     urllib.parse.quote(str(v), safe=",:"))
                          for k, v in items)


class TaxiiClient:
    """Requests to a running kongsi serve as one token (Bearer), with TAXII 2.1 media types."""

    def __init__(self, port, token=None, tls_context=None):
        self.port = port
        self.token = token
        self.tls_context = tls_context

    def as_token(self, token):
        return TaxiiClient(self.port, token, self.tls_context)

    def request(self, method, path, params=None, body=None, accept=TAXII_MEDIA_TYPE,
                content_type=TAXII_MEDIA_TYPE, authorization=None, headers=None, token=None):
        h = {}
        if accept is not None:
            h["Accept"] = accept
        auth = authorization
        if auth is None and (token or self.token):
            auth = "Bearer " + (token or self.token)
        if auth:
            h["Authorization"] = auth
        if body is not None:
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body)
            if content_type is not None:
                h["Content-Type"] = content_type
        h.update(headers or {})
        return http_request(self.port, method, path + query_string(params), body=body,
                            headers=h, tls_context=self.tls_context)

    def get(self, path, params=None, **kw):
        return self.request("GET", path, params=params, **kw)

    def post(self, path, body, **kw):
        return self.request("POST", path, body=body, **kw)

    def delete(self, path, params=None, **kw):
        return self.request("DELETE", path, params=params, **kw)


# STIX 2.1 objects made in code (ids are fresh UUIDv4 unless given).
def stix_id(type_):
    return "%s--%s" % (type_, uuid.uuid4())


def stix_indicator(ip=None, modified="2026-01-01T00:00:00.000Z", created=None, id=None, **extra):
    ip = ip or "198.51.100.%d" % (uuid.uuid4().int % 250 + 1)
    created = created or modified
    o = {"type": "indicator", "spec_version": "2.1", "id": id or stix_id("indicator"),
         "created": created, "modified": modified, "name": "e2e indicator %s" % ip,
         "pattern": "[ipv4-addr:value = '%s']" % ip, "pattern_type": "stix",
         "valid_from": created}
    o.update(extra)
    return o


def stix_identity(name="Example Org", modified="2026-01-01T00:00:00.000Z", created=None,
                  id=None, **extra):
    o = {"type": "identity", "spec_version": "2.1", "id": id or stix_id("identity"),
         "created": created or modified, "modified": modified, "name": name,
         "identity_class": "organization"}
    o.update(extra)
    return o


def stix_malware(name="e2e malware", modified="2026-01-01T00:00:00.000Z", id=None, **extra):
    o = {"type": "malware", "spec_version": "2.1", "id": id or stix_id("malware"),
         "created": modified, "modified": modified, "name": name, "is_family": True}
    o.update(extra)
    return o


def stix_relationship(source_ref, target_ref, relationship_type="indicates",
                      modified="2026-01-01T00:00:00.000Z", id=None):
    return {"type": "relationship", "spec_version": "2.1", "id": id or stix_id("relationship"),
            "created": modified, "modified": modified, "relationship_type": relationship_type,
            "source_ref": source_ref, "target_ref": target_ref}


SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")


def stix_ipv4(value):
    """An ipv4-addr SCO with its deterministic id (UUIDv5 of the canonical {"value": ...})."""
    name = json.dumps({"value": value}, separators=(",", ":"), sort_keys=True)
    return {"type": "ipv4-addr", "spec_version": "2.1",
            "id": "ipv4-addr--%s" % uuid.uuid5(SCO_NAMESPACE, name), "value": value}


def media_type_key(value):
    """A Content-Type / media type compared without case and white space."""
    return "".join((value or "").split()).lower()


class ServerTestCase(NodeTestCase):
    """Tests against `kongsi serve`, with nodes and servers shared by a whole class.

    Class-level helpers make nodes under `cls.class_tmp` (removed after the class), run the CLI,
    issue tokens and start servers that are stopped (SIGTERM, bounded wait, then SIGKILL) when
    the class or test that started them ends.
    """

    cli_timeout = 120

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.class_tmp = tempfile.mkdtemp(prefix=cls.tmp_prefix + "class-")
        cls.addClassCleanup(shutil.rmtree, cls.class_tmp, ignore_errors=True)

    @classmethod
    def run_cli(cls, data_dir, *args, stdin=None):
        cmd = [os.path.abspath(KONGSI_BIN), "--data-dir", data_dir] + [str(a) for a in args]
        return subprocess.run(cmd, input=stdin, capture_output=True, timeout=cls.cli_timeout,
                              env=clean_env(), cwd=os.path.dirname(data_dir))

    @staticmethod
    def describe_run(args, p):
        return "kongsi %s -> exit %d\nstdout: %s\nstderr: %s" % (
            " ".join(str(a) for a in args), p.returncode,
            p.stdout.decode(errors="replace")[:3000], p.stderr.decode(errors="replace")[:3000])

    @classmethod
    def cli_ok(cls, data_dir, *args, stdin=None):
        """Runs kongsi; raises AssertionError unless it exits 0; returns stdout as text."""
        p = cls.run_cli(data_dir, *args, stdin=stdin)
        if p.returncode != 0:
            raise AssertionError(cls.describe_run(args, p))
        return p.stdout.decode()

    @classmethod
    def new_node(cls, name="e2e node", parent=None):
        """A fresh initialised node; returns its data directory."""
        d = tempfile.mkdtemp(prefix="node-", dir=parent or cls.class_tmp)
        data_dir = os.path.join(d, "node")
        cls.cli_ok(data_dir, "init", "--name", name)
        return data_dir

    @classmethod
    def new_collection(cls, data_dir, title, alias=None, id=None, description=None):
        args = ["collections", "create", title]
        if id:
            args += ["--id", id]
        if alias:
            args += ["--alias", alias]
        if description:
            args += ["--description", description]
        out = cls.cli_ok(data_dir, *args).strip().splitlines()
        return out[-1].strip()

    @classmethod
    def ingest_objects(cls, data_dir, collection_id, objects):
        """Stores `objects` (in this order) into a collection with `kongsi ingest -c`."""
        path = os.path.join(os.path.dirname(data_dir), "ingest-%s.json" % uuid.uuid4())
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"type": "bundle", "id": "bundle--%s" % uuid.uuid4(), "objects": objects}, f)
        cls.cli_ok(data_dir, "ingest", "-c", collection_id, path)

    @classmethod
    def new_token(cls, data_dir, name, read=(), write=(), org=None):
        """Issues a token with `kongsi token create`; returns it (stdout must be just it)."""
        args = ["token", "create", "--name", name]
        if org:
            args += ["--org", org]
        for c in read:
            args += ["--read", c]
        for c in write:
            args += ["--write", c]
        out = cls.cli_ok(data_dir, *args)
        token = out.strip()
        if not TOKEN_RE.match(token) or out.count("\n") > 1:
            raise AssertionError("token create must print only the token, got %r" % out)
        return token

    @classmethod
    def start_server(cls, data_dir, config_text=None, args=(), cleanup=None, **kw):
        """Starts `kongsi serve` on an ephemeral port (with `config_text` written to a TOML
        file when given); it is stopped by `cleanup` (default: the class cleanup)."""
        args = list(args)
        if config_text is not None:
            path = os.path.join(os.path.dirname(data_dir), "kongsi-%s.toml" % uuid.uuid4())
            with open(path, "w", encoding="utf-8") as f:
                f.write(config_text)
            args += ["--config", path]
        server = ServerProcess(data_dir, args=args, **kw)
        (cleanup or cls.addClassCleanup)(server.stop)
        server.start()
        return server

    # --- assertions -------------------------------------------------------------------------
    def assert_taxii(self, resp, status=200):
        """Asserts the status and the TAXII media type; returns the JSON body."""
        self.assertEqual(resp.status, status, str(resp))
        self.assertEqual(media_type_key(resp.header("Content-Type")),
                         media_type_key(TAXII_MEDIA_TYPE), "Content-Type of\n%s" % resp)
        try:
            return resp.json()
        except ValueError as e:
            self.fail("not JSON (%s):\n%s" % (e, resp))

    def assert_error(self, resp, status, mentions=()):
        """Asserts a TAXII error resource with this status (whose title or description names
        each of `mentions`); returns it."""
        body = self.assert_taxii(resp, status)
        self.assertIsInstance(body, dict, str(resp))
        self.assertIsInstance(body.get("title"), str, "error resource needs a title:\n%s" % resp)
        self.assertTrue(body["title"], str(resp))
        self.assertEqual(body.get("http_status"), str(status), "http_status of\n%s" % resp)
        text = (body.get("title", "") + " " + str(body.get("description", ""))).lower()
        for word in mentions:
            self.assertIn(word.lower(), text, "the error should name %r:\n%s" % (word, resp))
        return body

    def walk(self, client, path, params=(), limit=7, key="objects", max_pages=1000,
             on_page=None):
        """Follows `next` from the first page (params + limit) until `more` is false; asserts
        every page (200, at most `limit` items, `next` whenever `more`). Returns the items in
        order and the number of pages. `on_page(n, body)` runs after each page."""
        items, pages, token = [], 0, None
        while True:
            self.assertLess(pages, max_pages, "paging did not end after %d pages" % max_pages)
            p = list(params.items() if isinstance(params, dict) else params)
            p.append(("limit", str(limit)))
            if token is not None:
                p.append(("next", token))
            resp = client.get(path, p)
            body = self.assert_taxii(resp, 200)
            pages += 1
            page = body.get(key, [])
            self.assertLessEqual(len(page), limit, str(resp))
            items.extend(page)
            if on_page:
                on_page(pages, body)
            self.assertIn("more", body, str(resp))
            if not body["more"]:
                return items, pages
            self.assertTrue(page, "more is true but the page is empty:\n%s" % resp)
            self.assertIsInstance(body.get("next"), str, "more without next:\n%s" % resp)
            self.assertTrue(body["next"], str(resp))
            token = body["next"]
