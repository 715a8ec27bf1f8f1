# validation: A file-sync client shares one HTTP digest-auth handler, a reduced copy of requests' HTTPDigestAuth, between its upload threads.
# source: requests PR #2523 "HTTPDigestAuth - Making it thread-safe" (issue #2334 "HTTPDigestAuth on session not thread-safe"), code after commit 5a69137ac871c38f4597b574e93de07d9ff9655f
# safe: all challenge, nonce-count, retry and body-position state lives in threading.local, so each upload thread has its own
import hashlib, io, os, re, threading, time

def parse_dict_header(value):
    return {k.strip(): v.strip('"') for k, _, v in (p.partition("=") for p in value.split(","))}

class Request:
    def __init__(self, method, url, body=None, headers=None):
        self.method, self.url, self.body, self.headers, self.hooks = method, url, body, headers or {}, []

    def register_hook(self, event, hook):
        self.hooks.append(hook)

    def copy(self):
        return Request(self.method, self.url, self.body, dict(self.headers))

class Response:
    def __init__(self, status_code, request, connection, headers=None):
        self.status_code, self.request, self.connection = status_code, request, connection
        self.headers, self.history = headers or {}, []

class SyncServer:
    nonce = "a1"

    def send(self, req, **kwargs):
        if 'nonce="%s"' % self.nonce in req.headers.get("Authorization", ""):
            return Response(200, req, self)
        hdr = 'Digest realm="sync", nonce="%s", qop="auth"' % self.nonce
        return Response(401, req, self, {"www-authenticate": hdr})

class HTTPDigestAuth:
    def __init__(self, username, password):
        self.username = username
        self.password = password
        self._thread_local = threading.local()

    def init_per_thread_state(self):
        if not hasattr(self._thread_local, 'init'):
            self._thread_local.init = True
            self._thread_local.last_nonce = ''
            self._thread_local.nonce_count = 0
            self._thread_local.chal = {}
            self._thread_local.pos = None
            self._thread_local.num_401_calls = None

    def build_digest_header(self, method, url):
        realm = self._thread_local.chal['realm']
        nonce = self._thread_local.chal['nonce']
        hash_utf8 = lambda x: hashlib.md5(x.encode('utf-8')).hexdigest()
        KD = lambda s, d: hash_utf8("%s:%s" % (s, d))
        path = url.split('sync.local', 1)[1]
        HA1 = hash_utf8('%s:%s:%s' % (self.username, realm, self.password))
        HA2 = hash_utf8('%s:%s' % (method, path))
        if nonce == self._thread_local.last_nonce:
            self._thread_local.nonce_count += 1
        else:
            self._thread_local.nonce_count = 1
        ncvalue = '%08x' % self._thread_local.nonce_count
        s = str(self._thread_local.nonce_count).encode('utf-8') + nonce.encode('utf-8')
        s += time.ctime().encode('utf-8') + os.urandom(8)
        cnonce = (hashlib.sha1(s).hexdigest()[:16])
        noncebit = "%s:%s:%s:%s:%s" % (nonce, ncvalue, cnonce, 'auth', HA2)
        respdig = KD(HA1, noncebit)
        self._thread_local.last_nonce = nonce
        base = 'username="%s", realm="%s", nonce="%s", uri="%s", ' \
               'response="%s"' % (self.username, realm, nonce, path, respdig)
        return 'Digest %s, qop="auth", nc=%s, cnonce="%s"' % (base, ncvalue, cnonce)

    def handle_401(self, r, **kwargs):
        if self._thread_local.pos is not None:
            r.request.body.seek(self._thread_local.pos)
        s_auth = r.headers.get('www-authenticate', '')
        if 'digest' in s_auth.lower() and self._thread_local.num_401_calls < 2:
            self._thread_local.num_401_calls += 1
            pat = re.compile(r'digest ', flags=re.IGNORECASE)
            self._thread_local.chal = parse_dict_header(pat.sub('', s_auth, count=1))
            prep = r.request.copy()
            prep.headers['Authorization'] = self.build_digest_header(prep.method, prep.url)
            _r = r.connection.send(prep, **kwargs)
            return _r
        self._thread_local.num_401_calls = 1
        return r

    def __call__(self, r):
        self.init_per_thread_state()
        if self._thread_local.last_nonce:
            r.headers['Authorization'] = self.build_digest_header(r.method, r.url)
        try:
            self._thread_local.pos = r.body.tell()
        except AttributeError:
            self._thread_local.pos = None
        r.register_hook('response', self.handle_401)
        self._thread_local.num_401_calls = 1
        return r

def upload(server, auth, worker, failures):
    for n in range(30):
        body = io.BytesIO(b"hdr:%d|" % worker + b"x" * 64)
        body.seek(len(b"hdr:%d|" % worker))
        req = auth(Request("PUT", "http://sync.local/files/%d/%d" % (worker, n), body))
        resp = server.send(req)
        for hook in req.hooks:
            resp = hook(resp)
        if resp.status_code != 200:
            failures.append((worker, n))
        if n % 10 == 9:
            server.nonce = "a%d" % (n + worker)

if __name__ == "__main__":
    server, auth, failures = SyncServer(), HTTPDigestAuth("sync", "s3cret"), []
    threads = [threading.Thread(target=upload, args=(server, auth, w, failures)) for w in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print("failed uploads:", len(failures))
