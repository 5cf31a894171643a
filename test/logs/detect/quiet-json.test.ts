// The JSON prefilter (quiet-json.ts) must never change a verdict: a detector that parses every line
// and one that skips quiet lines must produce the same events and counters on the same input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { securitySchema } from '../../../src/config/schema/security.js';
import { Detector } from '../../../src/logs/detect/detector.js';
import type { FormatOption } from '../../../src/logs/parse/index.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

function fixtureLines(): string[] {
  const lines: string[] = [];
  for (const dir of ['corpus', 'rules', 'benign', 'third-party/crs']) {
    for (const f of readdirSync(join(FIXTURES, dir)).filter((n) => /\.(log|jsonl)$/.test(n)).sort()) {
      for (const l of readFileSync(join(FIXTURES, dir, f), 'utf8').split('\n')) if (l.length > 0 && !l.startsWith('#')) lines.push(l);
    }
  }
  return lines;
}

// Lines built to slip past a careless raw-text test: escapes, keys spelled with \u, odd spacing,
// triggers in nested objects, status written as text, control characters, invalid JSON.
const TRICKY: string[] = [
  '{"url":"\\/etc\\/passwd"}',
  '{"url":"/\\u002eenv"}',
  '{"\\u0065vent":"login_failed","ip":"198.51.100.7","user":"bob"}',
  '{"method":"\\u0050OST","url":"/login","status":401,"ip":"198.51.100.8"}',
  '{"method":"POST","url":"/login","status":"401","ip":"198.51.100.9"}',
  '{"method":"POST","url":"/login","status":4.01e2,"ip":"198.51.100.9"}',
  '{"req":{"method":"POST","url":"/signin"},"res":{"statusCode":403},"ip":"198.51.100.10"}',
  '{"request":"GET /.git/config HTTP/1.1","ip":"198.51.100.11"}',
  '{"request":{"path":"/wp-config.php"},"ip":"198.51.100.12"}',
  '{ "path" : "/backup.sql" , "ip" : "198.51.100.13" }',
  '{"http":{"request":"GET /?id=1%27%20or%201=1-- HTTP/1.1"},"ip":"198.51.100.14"}',
  '{"uri":"/search?q=<script>alert(1)</script>","ip":"198.51.100.15"}',
  '{"originalUrl":"/a/../../etc/shadow","ip":"198.51.100.16"}',
  '{"request_uri":"/x?f=php://filter","ip":"198.51.100.17"}',
  '{"type":"auth.failure","ip":"198.51.100.18","user":"eve"}',
  '{"msg":"Login failed for user mallory","ip":"198.51.100.19"}',
  '{"msg":"breached password used","user":"x","ip":"198.51.100.20"}',
  '{"action":"mfa.disabled","user":"amy"}',
  '{"category":"malicious-traffic","ip":"198.51.100.21"}',
  '{"category":"Malicious-Traffic","ip":"198.51.100.22"}',
  '{"msg":"binary\u0001junk","ip":"198.51.100.23"}',
  '{"msg":"del\u007fchar"}',
  '{"msg":"cr\rinside"}',
  '{not json at all',
  '{"msg":"request completed", "url":"/api/items"',
  '  {"url":"/.env","ip":"198.51.100.24"}',
  '{"msg":"request completed","url":"/api/items","status":200,"ip":"203.0.113.5"}',
  '{"path":"url","url":"/.aws/credentials","ip":"198.51.100.25"}',
  '{"url":"/api/items","n":01}',
  '{"url":"/.env","n":1,}',
  '{"url":"/.env"}x',
  '{"url":"/.env","url":"/ok"}',
  '{"url":"/ok","url":"/.git/config"}',
  '{"tag":"Malicious Traffic","ip":"198.51.100.26"}',
  '{"labels":"malicious traffic","msg":"x"}',
  '{"msg":"request completed","method":"POST","url":"/session","status":401,"ip":"198.51.100.27"}',
  '{"msg":"request completed","http_method":"POST","url":"/session","status":403,"ip":"198.51.100.27"}',
  // A POST is quiet only when no status-named member anywhere could read as 401 or 403.
  '{"msg":"request completed","method":"POST","url":"/session","status":200,"ip":"198.51.100.28"}',
  '{"req":{"method":"POST","url":"/login"},"res":{"statusCode":401},"ip":"198.51.100.28"}',
  '{"req":{"method":"POST","url":"/login","headers":{"status":"403"}},"res":{"statusCode":200},"ip":"198.51.100.28"}',
  '{"method":"POST","url":"/login","status":"0x191","ip":"198.51.100.28"}',
  '{"method":"POST","url":"/login","status":" 401","ip":"198.51.100.28"}',
  '{"method":"POST","url":"/login","status_code":401.0,"ip":"198.51.100.28"}',
  '{"method":"POST","url":"/login","statusCode":403,"status":200,"ip":"198.51.100.28"}',
  '{"method":"POST","url":"/login","status":200,"statusCode":403,"ip":"198.51.100.28"}',
  '{"method":"POST","url":"/login","res":{"status":403},"status":[401],"ip":"198.51.100.28"}',
  // Tag fields spelled in a learnt shape, and inside a flat object the shape leaves to the walk.
  '{"msg":"job done","type":"worker","url":"/jobs/1","ip":"198.51.100.29"}',
  '{"msg":"job done","type":"worker","url":"/jobs/2","ip":"198.51.100.29"}',
  '{"msg":"job done","type":"malicious","url":"/jobs/3","ip":"198.51.100.29"}',
  '{"msg":"failed","err":{"type":"TypeError","message":"x is undefined"},"ip":"198.51.100.30"}',
  '{"msg":"failed","err":{"type":"TypeError","message":"y is undefined"},"ip":"198.51.100.30"}',
  '{"msg":"failed","err":{"type":"MALICIOUS","message":"z is undefined"},"ip":"198.51.100.30"}',
  '{"msg":"failed","err":{"tags":"none","message":"malicious input rejected"},"ip":"198.51.100.30"}',
  // Request headers seen before (their verdict is kept), with a tag field among them (custom tag test).
  '{"req":{"method":"GET","url":"/a","headers":{"host":"x","user-agent":"curl/8.5.0","labels":"fine"}},"msg":"ok"}',
  '{"req":{"method":"GET","url":"/b","headers":{"host":"x","user-agent":"curl/8.5.0","labels":"fine"}},"msg":"ok"}',
  '{"req":{"method":"GET","url":"/c","headers":{"host":"x","user-agent":"curl/8.5.0","labels":"fine"}},"msg":"malicious traffic"}',
  '{"req":{"method":"GET","url":"/d","headers":{"host":"x","user-agent":"curl/8.5.0","labels":"malicious traffic"}},"msg":"ok"}',
  '{"req":{"method":"GET","url":"/e","headers":{"host":"x","user-agent":"curl/8.5.0","labels":"malicious traffic"}},"msg":"ok"}',
  '{"req":{"method":"GET","url":"/f","headers":{"host":"x","user-agent":"curl/8.5.0","labels":"fine"}},"msg":"ok"}',
  // Caddy: canonical-case request headers with array values; a header name in another case.
  '{"level":"info","ts":1700000000.1,"msg":"handled request","request":{"remote_ip":"198.51.100.31","method":"GET","uri":"/","headers":{"User-Agent":["Mozilla/5.0"],"Referer":["https://x/?q=1%27%20union%20select%20password%20from%20users--"]}},"status":200}',
  '{"level":"info","ts":1700000000.1,"msg":"handled request","request":{"remote_ip":"198.51.100.31","method":"GET","uri":"/","headers":{"User-Agent":["Mozilla/5.0"],"Cookie":["id=1; q=<script>alert(1)</script>"]}},"status":200}',
  '{"level":"info","ts":1700000000.1,"msg":"handled request","request":{"remote_ip":"198.51.100.31","method":"GET","uri":"/","headers":{"USER-AGENT":["sqlmap/1.7"],"REFERER":["https://x/"]}},"status":200}',
  '{"level":"info","ts":1700000000.1,"msg":"handled request","request":{"remote_ip":"198.51.100.31","method":"GET","uri":"/","headers":{"User-Agent":["Mozilla/5.0"],"Referer":["https://x/products?id=2"]}},"status":200}',
  '{"level":"info","ts":1700000000.1,"msg":"handled request","request":{"remote_ip":"198.51.100.31","method":"GET","uri":"/","headers":{"Referer":"https://x/?next=../../../../etc/passwd"}},"status":200}',
];

function run(lines: string[], format: FormatOption, quiet: boolean, cfg = securitySchema.parse({})): { events: string[]; counters: unknown } {
  const d = new Detector(cfg);
  if (!quiet) (d as unknown as { quietJson: null }).quietJson = null;
  const events: string[] = [];
  lines.forEach((line, i) => {
    for (const e of d.inspect({ app: 'a', source: 's', line, readAt: Date.UTC(2024, 11, 31) }, format)) {
      events.push(`${i} ${e.kind} ${e.rule} ${e.ip} ${e.user} ${e.count} ${e.at} ${e.message}`);
    }
  });
  return { events, counters: { ...d.counters, ignored: d.ignored } };
}

for (const format of ['auto', 'json'] as const) {
  test(`skipping quiet JSON lines changes no event and no counter (fixtures and tricky lines, format ${format})`, () => {
    const lines = [...fixtureLines(), ...TRICKY];
    const full = run(lines, format, false);
    assert.ok(full.events.length > 500, 'the input fires plenty of rules');
    assert.deepEqual(run(lines, format, true), full);
  });
}

test('custom tag fields: tagged lines are never skipped', () => {
  const cfg = securitySchema.parse({ tags: { fields: ['tag', 'labels'], values: ['malicious traffic'] } });
  const lines = [...TRICKY, ...fixtureLines()];
  const full = run(lines, 'auto', false, cfg);
  assert.ok(full.events.some((e) => e.includes(' tagged ')));
  assert.deepEqual(run(lines, 'auto', true, cfg), full);
});

test('tricky lines each fire in both detectors, or in neither', () => {
  for (const line of TRICKY) assert.deepEqual(run([line], 'auto', true), run([line], 'auto', false), line);
});

test('a plain access-log line is recognised as quiet (the fast path is taken)', () => {
  const d = new Detector(securitySchema.parse({}));
  const q = (d as unknown as { quietJson: { quiet(l: string): boolean } }).quietJson;
  assert.equal(q.quiet('{"time":"2024-10-10T00:00:00.000Z","level":"info","msg":"request completed","ip":"203.0.1.2","method":"GET","url":"/api/items","status":200,"userAgent":"curl/8.5.0"}'), true);
  assert.equal(q.quiet('{"msg":"request completed","method":"GET","url":"/.env","status":200}'), false);
});

test('custom rules and an allow-list turn the prefilter off', () => {
  const custom = new Detector(securitySchema.parse({ custom: [{ name: 'x', pattern: 'items', kind: 'custom', severity: 'low' }] }));
  assert.equal((custom as unknown as { quietJson: unknown }).quietJson, null);
  const allow = new Detector(securitySchema.parse({ ignore: ['203.0.0.0/16'] }));
  assert.equal((allow as unknown as { quietJson: unknown }).quietJson, null);
});

test('a line proved by a learnt shape gets the verdict the walk gives it (every fixture line, twice)', () => {
  const walkOnly = new Detector(securitySchema.parse({}));
  const q = (walkOnly as unknown as { quietJson: { quiet(l: string): boolean; shapes: { match(): null; learn(): boolean } } }).quietJson;
  q.shapes.match = () => null;
  q.shapes.learn = () => false;
  const withShapes = (new Detector(securitySchema.parse({})) as unknown as { quietJson: { quiet(l: string): boolean; shapes: { shapes: unknown[] } } }).quietJson;
  const lines = [...fixtureLines(), ...TRICKY].filter((l) => l.startsWith('{'));
  const differ: string[] = [];
  for (const round of [1, 2]) {
    for (const line of lines) if (withShapes.quiet(line) !== q.quiet(line)) differ.push(`round ${round}: ${line.slice(0, 160)}`);
  }
  assert.deepEqual(differ, []);
  assert.ok(withShapes.shapes.shapes.length > 0, 'the fixtures taught at least one shape');
});

test('shapes: a request with an attack in a header of a known shape is not quiet, and a quiet one is', () => {
  const d = new Detector(securitySchema.parse({}));
  const q = (d as unknown as { quietJson: { quiet(l: string): boolean } }).quietJson;
  const line = (ua: string, cookie: string, url = '/api/items') => JSON.stringify({ level: 30, time: 1, req: { id: 1, method: 'GET', url, query: {}, headers: { host: 'h', 'user-agent': ua, cookie }, remoteAddress: '::ffff:192.0.2.1' }, res: { statusCode: 200, headers: { etag: 'W/"1-a"' } }, msg: 'request completed' });
  assert.equal(q.quiet(line('Mozilla/5.0', 'a=1')), true); // learns the shape
  assert.equal(q.quiet(line('Mozilla/5.0', 'a=1')), true); // proved by it
  assert.equal(q.quiet(line('sqlmap/1.7', 'a=1')), false);
  assert.equal(q.quiet(line('Mozilla/5.0', "a=1' OR '1'='1")), false);
  assert.equal(q.quiet(line('Mozilla/5.0', 'a=1', '/.env')), false);
  // An escaped control character is JSON; a raw one is not (the line is read as text).
  assert.equal(q.quiet(line('Mozilla/5.0\u0001', 'a=1')), true);
  assert.equal(q.quiet(line('Mozilla/5.0X', 'a=1').replace('X', '\u0001')), false);
});
