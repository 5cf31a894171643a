// The detector marks a line clean only when it proved it free of control characters; formatters
// skip escaping for those and escape everything else, so no raw CR/LF/NUL/DEL reaches the wire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Detector } from '../../src/logs/detect/detector.js';
import { Rfc5424Formatter } from '../../src/forward/format/rfc5424.js';
import { Rfc3164Formatter } from '../../src/forward/format/rfc3164.js';
import { securitySchema } from '../../src/config/schema/security.js';
import type { LogLine } from '../../src/events/types.js';

const opts = { facility: 16, hostname: 'h', maxMessageSize: 64 * 1024, bom: false };

function inspected(text: string): LogLine {
  const line: LogLine = { app: 'api', source: 'stdout', line: text, readAt: 0, clean: false };
  new Detector(securitySchema.parse({})).inspect(line, 'json');
  return line;
}

test('a quiet flat JSON line is marked clean and forwarded as is', () => {
  const text = '{"ip":"10.0.0.1","method":"GET","url":"/a?b=1","status":200,"ua":"curl/8 é"}';
  const line = inspected(text);
  assert.equal(line.clean, true);
  assert.ok(new Rfc5424Formatter(opts).line(line, 'id1').endsWith(`] ${text}`));
});

test('control characters the JSON shape would let through are never marked clean', () => {
  const cases: [string, string][] = [
    ['{"url":"/a","ua":"x\x7fy"}', '\\x7f'], // DEL inside a string
    ['{"url":"/a","status":200}\r', '\\r'], // trailing CR (cut by sanitising, still in the line)
    ['{"url":"/a","ua":"x\x00y"}', '\\0'], // NUL (removed by sanitising, still in the line)
    ['{"url":"/a","ua":"x\x1by"}', '\\x1b'], // ESC: not a flat object, so not proved
  ];
  for (const [text, escaped] of cases) {
    const line = inspected(text);
    assert.notEqual(line.clean, true, JSON.stringify(text));
    for (const msg of [new Rfc5424Formatter(opts).line(line, 'id1'), new Rfc3164Formatter(opts).line(line)]) {
      assert.ok(msg.includes(escaped), `${JSON.stringify(text)} -> ${JSON.stringify(msg)}`);
      assert.doesNotMatch(msg, /[\x00-\x1f\x7f]/);
    }
  }
});
