// Property: the control socket survives any line a client sends. Every line (a JSON `null`
// included, issue 16 break 6) gets exactly one answer carrying its id (0 when it has no usable
// one), and afterwards the server still answers a ping. Handlers are real commands (each needs a
// request schema): ping answers, describe echoes its validated args, save fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ControlServer, type Handler } from '../../src/daemon/control-server.js';
import { PROTOCOL_VERSION } from '../../src/daemon/protocol.js';

const PING_ID = Number.MAX_SAFE_INTEGER;

/** Sends `lines` on a fresh connection, then a ping; resolves with every answer line. */
function exchange(socket: string, lines: string[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let text = '';
    const answers: unknown[] = [];
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`no answer to the ping after ${JSON.stringify(lines).slice(0, 200)}`)); }, 5_000);
    s.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      let nl;
      while ((nl = text.indexOf('\n')) !== -1) {
        const a = JSON.parse(text.slice(0, nl)) as { id?: unknown; result?: unknown };
        text = text.slice(nl + 1);
        answers.push(a);
        if (a.id === PING_ID && a.result === 'pong') { clearTimeout(timer); s.end(); resolve(answers); }
      }
    });
    s.on('error', reject);
    s.write(lines.map((l) => `${l}\n`).join('') + `${JSON.stringify({ v: PROTOCOL_VERSION, id: PING_ID, cmd: 'ping' })}\n`);
  });
}

const request = fc.oneof(
  fc.record({ v: fc.oneof(fc.constant(PROTOCOL_VERSION), fc.anything()), id: fc.integer({ min: -10, max: 1_000_000 }), cmd: fc.oneof(fc.constantFrom('ping', 'describe', 'save'), fc.string()), args: fc.anything() }, { requiredKeys: ['id'] }),
  fc.jsonValue({ maxDepth: 2 }),
);
const line = fc.oneof(
  request.map((r) => JSON.stringify(r)),
  fc.string({ maxLength: 80 }).filter((s) => !s.includes('\n') && s.trim() !== ''),
);

/** The id the server answers a line with: the request's numeric id, else 0. */
function answerId(text: string): number {
  try {
    const r = JSON.parse(text) as { id?: unknown };
    return typeof r?.id === 'number' && Number.isSafeInteger(r.id) ? r.id : 0;
  } catch {
    return 0;
  }
}

test('any request lines: one answer per JSON request, and the server keeps answering', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-ctl-'));
  const handlers = new Map<string, Handler>([
    ['ping', () => 'pong'],
    ['describe', (args) => args],
    ['save', () => { throw new Error('handler failed'); }],
  ]);
  const server = new ControlServer(handlers, () => {});
  await server.listen(join(dir, 'daemon.sock'));
  t.after(async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); });
  await fc.assert(fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 8 }), async (lines) => {
    const answers = await exchange(join(dir, 'daemon.sock'), lines) as { id: number }[];
    assert.equal(answers.length, lines.length + 1, `one answer per line and the ping: ${JSON.stringify(lines)} -> ${JSON.stringify(answers)}`);
    assert.deepEqual(answers.slice(0, -1).map((a) => a.id).sort(), lines.map(answerId).sort());
  }), { numRuns: 150 });
});
