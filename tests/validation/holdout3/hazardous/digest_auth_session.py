# validation: A file-sync client shares one HTTP digest-auth handler, a reduced copy of requests' HTTPDigestAuth, between its upload threads.
# source: requests PR #2523 "HTTPDigestAuth - Making it thread-safe" (issue #2334 "HTTPDigestAuth on session not thread-safe"), code before commit 845e8f943f47ed3b88e19ff8351e6f248a9d6ab9
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
        self.last_nonce = ''
        self.nonce_count = 0
        self.chal = {}
        self.pos = None
        self.num_401_calls = 1

    def build_digest_header(self, method, url):
        realm = self.chal['realm']  # RACE[c]: challenge may have been replaced by another thread's 401
        nonce = self.chal['nonce']  # RACE[c]: nonce read from a challenge another thread is overwriting
        hash_utf8 = lambda x: hashlib.md5(x.encode('utf-8')).hexdigest()
        KD = lambda s, d: hash_utf8("%s:%s" % (s, d))
        path = url.split('sync.local', 1)[1]
        HA1 = hash_utf8('%s:%s:%s' % (self.username, realm, self.password))
        HA2 = hash_utf8('%s:%s' % (method, path))
        if nonce == self.last_nonce:  # RACE[a]: compare with last_nonce, then update the shared count
            self.nonce_count += 1  # RACE[a]: lost update, two requests send the same nc
        else:
            self.nonce_count = 1  # RACE[a]: resets the count another thread just incremented
        ncvalue = '%08x' % self.nonce_count  # RACE[a]: reads a count other threads keep changing
        s = str(self.nonce_count).encode('utf-8') + nonce.encode('utf-8')
        s += time.ctime().encode('utf-8') + os.urandom(8)
        cnonce = (hashlib.sha1(s).hexdigest()[:16])
        noncebit = "%s:%s:%s:%s:%s" % (nonce, ncvalue, cnonce, 'auth', HA2)
        respdig = KD(HA1, noncebit)
        self.last_nonce = nonce  # RACE[a]: written after the count, out of step with it
        base = 'username="%s", realm="%s", nonce="%s", uri="%s", ' \
               'response="%s"' % (self.username, realm, nonce, path, respdig)
        return 'Digest %s, qop="auth", nc=%s, cnonce="%s"' % (base, ncvalue, cnonce)

    def handle_401(self, r, **kwargs):
        if self.pos is not None:  # RACE[d]: pos belongs to whichever request called __call__ last
            r.request.body.seek(self.pos)  # RACE[d]: rewinds this body to another request's offset
        num_401_calls = getattr(self, 'num_401_calls', 1)  # RACE[b]: shared retry counter read
        s_auth = r.headers.get('www-authenticate', '')
        if 'digest' in s_auth.lower() and num_401_calls < 2:
            self.num_401_calls += 1  # RACE[b]: other threads now skip their digest retry and fail
            pat = re.compile(r'digest ', flags=re.IGNORECASE)
            self.chal = parse_dict_header(pat.sub('', s_auth, count=1))  # RACE[c]: shared challenge written
            prep = r.request.copy()
            prep.headers['Authorization'] = self.build_digest_header(prep.method, prep.url)
            _r = r.connection.send(prep, **kwargs)
            return _r
        self.num_401_calls = 1  # RACE[b]: reset races with the increment above
        return r

    def __call__(self, r):
        if self.last_nonce:
            r.headers['Authorization'] = self.build_digest_header(r.method, r.url)
        try:
            self.pos = r.body.tell()  # RACE[d]: one pos slot shared by all in-flight requests
        except AttributeError:
            self.pos = None
        r.register_hook('response', self.handle_401)
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
