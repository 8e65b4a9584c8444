#!/usr/bin/env node
// Bearer tokens for the test bed's token-auth registry (distribution 2.8
// `auth: token`), Node standard library only. A reference for the token server
// the C# tests run, and the tool up.sh's self-checks use. See README.md
// ("Token auth: what the registry accepts").
//
//   kid   --key PEM                      prints the libtrust key ID of the key's public key
//   mint  --key PEM --issuer I --service S [--sub USER] [--scope SCOPE]... [--ttl SECONDS]
//         [--header kid|x5c|none] [--cert PEM] [--aud-array] [--alg ALG] [--nbf-offset SECONDS]
//                                        prints a compact JWT (ES256 for P-256 keys, RS256 for RSA)
//   serve --port N --key PEM --cert PEM --issuer I --service S --user U --password P
//         [--tls-cert PEM --tls-key PEM] [--header kid|x5c]
//                                        a minimal token endpoint (GET /token, docker token protocol)
//
// SCOPE is the registry's scope syntax, e.g. "repository:test/app:pull,push" or
// "registry:catalog:*"; the name may itself contain ':' (only the first and the
// last ':' separate type and actions).
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const http = require('http');
const https = require('https');

const argv = process.argv.slice(2);
const cmd = argv[0];
function arg(name, def) {
  const i = argv.lastIndexOf('--' + name); // the last one wins: later options override
  if (i >= 0 && i + 1 < argv.length) return argv[i + 1];
  if (def === undefined) { console.error(`${cmd}: missing --${name}`); process.exit(2); }
  return def;
}
function args(name) {
  const out = [];
  for (let i = 0; i < argv.length - 1; i++) if (argv[i] === '--' + name) out.push(argv[i + 1]);
  return out;
}
const flag = (name) => argv.includes('--' + name);
const b64url = (b) => Buffer.from(b).toString('base64url');

// libtrust fingerprint (github.com/docker/libtrust util.go keyIDFromCryptoKey):
// SHA-256 of the DER SubjectPublicKeyInfo, first 240 bits, base32 without
// padding, in 12 groups of 4 characters joined by ':'.
function libtrustKeyId(publicKey) {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const b = crypto.createHash('sha256').update(der).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0, s = '';
  for (const byte of b) {
    value = (value << 8) | byte; bits += 8;
    while (bits >= 5) { s += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) s += alphabet[(value << (5 - bits)) & 31];
  return s.match(/.{1,4}/g).join(':');
}

function parseScope(scope) {
  const first = scope.indexOf(':'), last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) throw new Error(`bad scope ${JSON.stringify(scope)} (want type:name:actions)`);
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',').filter(Boolean) };
}

function algFor(key) {
  const d = key.asymmetricKeyDetails || {};
  if (key.asymmetricKeyType === 'ec') {
    return { 'prime256v1': 'ES256', 'secp384r1': 'ES384', 'secp521r1': 'ES512' }[d.namedCurve] || 'ES256';
  }
  return 'RS256';
}

function mint({ keyPem, certPem, issuer, service, sub, access, ttl, header, audArray, alg, nbfOffset }) {
  const key = crypto.createPrivateKey(keyPem);
  const pub = crypto.createPublicKey(key);
  alg = alg || algFor(key);
  const head = { typ: 'JWT', alg };
  if (header === 'kid') head.kid = libtrustKeyId(pub);
  else if (header === 'x5c') head.x5c = [new crypto.X509Certificate(certPem).raw.toString('base64')];
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuer, sub: sub || '', aud: audArray ? [service] : service,
    exp: now + ttl, nbf: now + (nbfOffset || 0) - 1, iat: now,
    jti: crypto.randomBytes(12).toString('hex'), access,
  };
  const input = `${b64url(JSON.stringify(head))}.${b64url(JSON.stringify(claims))}`;
  const hash = 'sha' + (alg.slice(2) === '512' ? '512' : alg.slice(2));
  // JWS ECDSA signatures are raw r||s (IEEE P1363), not DER (RFC 7518 §3.4)
  const sig = crypto.sign(hash, Buffer.from(input), key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${b64url(sig)}`;
}

function serve() {
  const keyPem = fs.readFileSync(arg('key')), certPem = fs.readFileSync(arg('cert'));
  const issuer = arg('issuer'), service = arg('service'), user = arg('user'), password = arg('password');
  const header = arg('header', 'kid');
  const tlsCert = arg('tls-cert', ''), tlsKey = arg('tls-key', '');
  const handler = (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const send = (code, obj) => { res.writeHead(code, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
    if (url.pathname === '/healthz') return send(200, { ok: true });
    if (url.pathname !== '/token' || req.method !== 'GET') return send(404, { error: 'not found' });
    const auth = req.headers.authorization || '';
    let who = '';
    if (auth.startsWith('Basic ')) {
      const [u, ...p] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (u !== user || p.join(':') !== password) return send(401, { error: 'bad credentials' });
      who = u;
    }
    if (url.searchParams.get('service') !== service) return send(400, { error: 'unknown service' });
    // anonymous callers get a token without access (enough for GET /v2/), users get what they ask for
    const access = who ? url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean).map(parseScope) : [];
    const token = mint({ keyPem, certPem, issuer, service, sub: who, access, ttl: 300, header });
    console.log(`${new Date().toISOString()} token for ${who || '(anonymous)'}: ${JSON.stringify(access)}`);
    send(200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
  };
  const server = tlsCert ? https.createServer({ cert: fs.readFileSync(tlsCert), key: fs.readFileSync(tlsKey) }, handler) : http.createServer(handler);
  server.listen(Number(arg('port')), '127.0.0.1', () => console.log(`token server on ${tlsCert ? 'https' : 'http'}://127.0.0.1:${arg('port')}/token`));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop); process.on('SIGINT', stop);
}

switch (cmd) {
  case 'kid':
    process.stdout.write(libtrustKeyId(crypto.createPublicKey(fs.readFileSync(arg('key')))) + '\n');
    break;
  case 'mint': {
    const header = arg('header', 'kid');
    process.stdout.write(mint({
      keyPem: fs.readFileSync(arg('key')), certPem: header === 'x5c' ? fs.readFileSync(arg('cert')) : null,
      issuer: arg('issuer'), service: arg('service'), sub: arg('sub', ''), access: args('scope').map(parseScope),
      ttl: Number(arg('ttl', '300')), header, audArray: flag('aud-array'), alg: arg('alg', ''), nbfOffset: Number(arg('nbf-offset', '0')),
    }) + '\n');
    break;
  }
  case 'serve':
    serve();
    break;
  default:
    console.error('usage: registry-token.cjs kid|mint|serve ... (see the header of this file)');
    process.exit(2);
}
