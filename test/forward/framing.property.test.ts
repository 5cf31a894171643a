// Property: RELP frames written by the sender read back, however the stream is cut, as the same
// messages with the same transaction numbers; octet counting prefixes each message's byte length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lineEnds, octetCounted, relpSyslogFrames } from '../../src/forward/framing.js';
import { RelpParser } from '../../src/forward/transport/relp-parser.js';

const messages = fc.array(fc.string({ minLength: 1, maxLength: 200 }).filter((m) => !m.includes('\n')), { minLength: 1, maxLength: 20 });

test('RELP frames round-trip through the parser whatever the read boundaries', () => {
  fc.assert(fc.property(messages, fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 1, max: 999_999_000 }), (msgs, cuts, firstTxnr) => {
    const data = Buffer.from(msgs.map((m) => `${m}\n`).join(''));
    const txnrs = msgs.map((_, i) => firstTxnr + i);
    const wire = relpSyslogFrames(data, lineEnds(data), txnrs);
    const parser = new RelpParser();
    const frames = [];
    const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
    let from = 0;
    for (const p of [...points, wire.length]) {
      frames.push(...parser.push(wire.subarray(from, p)));
      from = p;
    }
    assert.deepEqual(frames.map((f) => [f.txnr, f.command, f.data]), msgs.map((m, i) => [txnrs[i], 'syslog', m]));
  }), { numRuns: 500 });
});

test('octet counting: each message is its UTF-8 byte length, a space, and the message', () => {
  fc.assert(fc.property(messages, (msgs) => {
    const data = Buffer.from(msgs.map((m) => `${m}\n`).join(''));
    let rest = octetCounted(data, lineEnds(data));
    for (const m of msgs) {
      const sp = rest.indexOf(32);
      const len = Number(rest.toString('latin1', 0, sp));
      assert.equal(len, Buffer.byteLength(m));
      assert.equal(rest.toString('utf8', sp + 1, sp + 1 + len), m);
      rest = rest.subarray(sp + 1 + len);
    }
    assert.equal(rest.length, 0);
  }), { numRuns: 500 });
});
