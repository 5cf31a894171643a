// `bulwark scan` end to end, as a real child process (no daemon).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
function bulwark(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });
}

test('scan --json prints one SPEC event per line with file and 1-based lineNo, then a summary by kind', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-scan-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const a = join(dir, 'access.log');
  const b = join(dir, 'app.jsonl');
  writeFileSync(a, [
    '192.0.2.1 - - [10/Oct/2024:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "-" "x"',
    '192.0.2.1 - - [10/Oct/2024:13:55:37 +0000] "GET /.env HTTP/1.1" 404 1 "-" "x"',
  ].join('\n') + '\n');
  writeFileSync(b, '{"msg":"ok"}\n{"msg":"blocked","category":"malicious-traffic","ip":"198.51.100.4","time":"2024-10-10T10:00:00Z"}\n');
  const r = bulwark(['scan', '--json', a, b]);
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(out.length, 3);
  assert.deepEqual(Object.keys(out[0]!).sort(), ['app', 'at', 'count', 'file', 'ip', 'kind', 'line', 'lineNo', 'message', 'rule', 'severity', 'source', 'user'].sort());
  assert.deepEqual(out.slice(0, 2).map((e) => [e.file, e.lineNo, e.kind, e.ip]), [[a, 2, 'sensitive-file', '192.0.2.1'], [b, 2, 'tagged', '198.51.100.4']]);
  const summary = out[2]!.summary as { lines: number; events: number; byKind: Record<string, number> };
  assert.deepEqual([summary.lines, summary.events, summary.byKind], [4, 2, { 'sensitive-file': 1, tagged: 1 }]);
});

test('scan prints a table without --json, honours --format and --config, and fails cleanly on a missing file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-scan-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'x.log');
  writeFileSync(log, '{"msg":"blocked","category":"malicious-traffic","ip":"10.9.9.9"}\n{"msg":"blocked","category":"malicious-traffic","ip":"198.51.100.9"}\n');
  const table = bulwark(['scan', log]);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /tagged/);
  assert.match(table.stdout, /2 line\(s\) in 1 file\(s\), 2 event\(s\)/);

  const cfg = join(dir, 'bulwark.yml');
  writeFileSync(cfg, 'security:\n  ignore: [10.0.0.0/8]\n');
  const ignored = bulwark(['scan', '--json', '--config', cfg, log]);
  assert.equal(ignored.stdout.trim().split('\n').length, 2, 'one event, one summary');
  assert.match(ignored.stdout, /"ignored":1/);

  const asText = bulwark(['scan', '--json', '--format', 'text', log]);
  assert.match(asText.stdout.trim(), /^\{"summary":.*"events":0/, 'forced text format does not read JSON tags');

  const badCfg = join(dir, 'bad.yml');
  writeFileSync(badCfg, 'security:\n  ignore: [not-an-ip]\n');
  assert.equal(bulwark(['scan', '--config', badCfg, log]).status, 78);
  const missing = bulwark(['scan', join(dir, 'nope.log')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot read/);
});
