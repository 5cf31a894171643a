// Property: no line, however hostile, makes a parser throw, and what comes out has the shape
// detection relies on (strings or null, a numeric status, the line's own format or text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseLine, type FormatOption } from '../../../src/logs/parse/index.js';

const FORMATS: FormatOption[] = ['auto', 'json', 'clf', 'sshd', 'text'];

/** Lines that look a little like each format, then anything at all. */
const line = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record({ ip: fc.string(), user: fc.string(), msg: fc.string(), url: fc.string(), status: fc.anything() }).map((o) => JSON.stringify(o)),
  fc.tuple(fc.string(), fc.string(), fc.string(), fc.integer()).map(([ip, u, path, st]) => `${ip} - ${u} [10/Oct/2024:13:55:36 +0000] "GET ${path} HTTP/1.1" ${st} 0 "-" "-"`),
  fc.tuple(fc.string(), fc.string()).map(([u, ip]) => `Oct 10 13:55:36 host sshd[123]: Failed password for ${u} from ${ip} port 22 ssh2`),
);

const text = (v: unknown): boolean => v === null || typeof v === 'string';

test('parseLine never throws and always returns the ParsedLine shape', () => {
  fc.assert(fc.property(line, fc.constantFrom(...FORMATS), (l, format) => {
    const p = parseLine(l, format);
    for (const k of ['ip', 'user', 'method', 'url', 'userAgent', 'message', 'event'] as const) assert.ok(text(p[k]), `${k}: ${typeof p[k]}`);
    assert.equal(typeof p.status, 'number');
    assert.ok(['json', 'clf', 'sshd', 'text'].includes(p.format));
    if (format !== 'auto' && format !== 'text') assert.ok(p.format === format || p.format === 'text', `${format} fell back to ${p.format}`);
    if (p.json !== null) assert.equal(typeof p.json, 'object');
  }), { numRuns: 2000 });
});
