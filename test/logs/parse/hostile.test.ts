// Bad input is handled and counted, never fatal: invalid UTF-8, NUL, CRLF, binary junk, lines over 64 KB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { securitySchema } from '../../../src/config/schema/security.js';
import { MAX_EVENT_LINE_CHARS, TRUNCATION_MARKER, hostileInputCounters } from '../../../src/logs/parse/hostile.js';
import { scanFiles, type ScanMatch } from '../../../src/logs/scan.js';

test('scan counts hostile lines, truncates long ones with a marker and still detects around them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-hostile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'junk.log');
  const tagged = Buffer.from('{"msg":"x","category":"malicious-traffic","ip":"192.0.2.9"}');
  writeFileSync(file, Buffer.concat([
    Buffer.from('plain line\r\n'),
    Buffer.from([0x66, 0x6f, 0xff, 0xfe, 0x6f, 0x0a]), // invalid UTF-8
    Buffer.from('nul\u0000inside\n'),
    Buffer.from([0x01, 0x02, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0a]), // binary junk
    Buffer.from(`{"msg":"${'A'.repeat(200_000)}","category":"malicious-traffic"}\n`), // 200 KB line
    Buffer.alloc(300_000, 0x42), Buffer.from('\n'), // 300 KB without structure
    tagged, Buffer.from('\r\n'),
    tagged, // last line without a newline
  ]));
  const before = hostileInputCounters();
  const matches: ScanMatch[] = [];
  const s = await scanFiles({ files: [file], format: 'auto', security: securitySchema.parse({}), onMatch: (m) => { matches.push(m); } });
  assert.equal(s.lines, 8);
  assert.deepEqual({ ...s.input }, { lines: 8, truncated: 2, invalidUtf8: 1, nul: 1, binary: 1, crlf: 2 });
  assert.deepEqual(matches.map((m) => [m.lineNo, m.kind]), [[7, 'tagged'], [8, 'tagged']], 'the cut JSON line is not parsed; both tagged lines are found with their line numbers');
  const after = hostileInputCounters();
  assert.equal(after.truncated - before.truncated, 2, 'process-wide counters (for status) move too');
  assert.ok(!matches[0]!.line.endsWith('\r'));
});

test('a long line is detected, and its event quotes at most 8 KB of it, ending with the marker', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-hostile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'long.log');
  // Long but still a request line: the truncated text is what detection (and events) see.
  writeFileSync(file, `192.0.2.1 - - [10/Oct/2024:13:55:36 +0000] "GET /.env HTTP/1.1" 404 0 "-" "${'x'.repeat(100_000)}"\n`);
  const matches: ScanMatch[] = [];
  await scanFiles({ files: [file], format: 'auto', security: securitySchema.parse({}), onMatch: (m) => { matches.push(m); } });
  assert.equal(matches.length, 1);
  assert.equal(matches[0]!.line.length, MAX_EVENT_LINE_CHARS + TRUNCATION_MARKER.length);
  assert.ok(matches[0]!.line.endsWith(TRUNCATION_MARKER));
});
