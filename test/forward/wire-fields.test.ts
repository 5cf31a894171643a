// What a real rsyslog parses out of bulwark's RFC 5424 messages, over every transport, equals
// what was sent: HOSTNAME, APP-NAME, PROCID, MSGID, STRUCTURED-DATA and MSG, hostile content too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Forwarder } from '../../src/forward/index.js';
import type { ForwardConfigInput } from '../../src/config/schema/forward.js';
import { forwardSchema } from '../../src/config/schema/forward.js';
import type { LifecycleEvent, SecurityEvent, ForwardEvent } from '../../src/events/types.js';
import { newEventId } from '../../src/events/id.js';
import { makeTestCa, startRsyslog, type ReceivedRecord, type TestCa } from '../helpers/rsyslog.js';
import { escapedMsg, expectedSd } from './expect.js';

const HOSTILE = 'GET /?q=1]"\\ \r\nX <13>1 forged - - - - [x] NUL\0 tab\t del\x7f ünïcødé ✓ 日本 😀 \\"quoted\\"';
const LONG = `${HOSTILE} ${'0123456789'.repeat(1000)}`; // > 10 KB

function events(): { security: SecurityEvent; crash: LifecycleEvent } {
  const at = new Date().toISOString();
  return {
    security: {
      id: newEventId(), at, type: 'security', kind: 'sqli', app: 'api', source: '/var/log/api/access.log', line: HOSTILE,
      ip: '203.0.113.9', user: 'bob"]\\', rule: 'sqli-union', severity: 'high', message: 'SQL injection ] "x" \\ end', count: 1,
    },
    crash: { id: newEventId(), at, type: 'lifecycle', app: 'api', kind: 'crash', reason: 'exited with code 1\nat main.js:1', pid: 4242, code: 1, signal: null },
  };
}

async function roundTrip(protocol: 'udp' | 'tcp' | 'tls' | 'relp', framing?: 'newline' | 'octet-counting', ca?: TestCa) {
  const rx = await startRsyslog({ [protocol === 'tls' ? 'tls' : protocol]: protocol === 'tls' ? ca : true });
  const stateDir = mkdtempSync(join(tmpdir(), 'bulwark-fwd-'));
  const port = rx.ports[protocol]!;
  const cfg: ForwardConfigInput = {
    name: 'rx', host: '127.0.0.1', port, protocol, framing, format: 'rfc5424', select: ['all'],
    ...(protocol === 'udp' ? { maxMessageSize: '60KB' } : {}),
    ...(ca ? { ca: ca.caFile, servername: 'localhost' } : {}),
  };
  const emitted: ForwardEvent[] = [];
  const fwd = new Forwarder([forwardSchema.parse(cfg)], { stateDir, hostname: 'web-01.example', emit: (e) => emitted.push(e) });
  try {
    await fwd.start();
    const { security, crash } = events();
    fwd.accept(security);
    fwd.accept(crash);
    fwd.accept({ app: 'api', source: 'stderr', line: LONG, readAt: Date.now() });
    fwd.accept({ app: 'worker', source: 'stdout', line: HOSTILE, readAt: Date.now() });
    await fwd.durable();
    const got = await rx.waitFor((r) => r.length >= 4);
    assert.equal(got.length, 4, 'exactly four records (no forged extra record)');
    const byMsgid = (id: string) => got.filter((r) => r.msgid === id);
    const sec = byMsgid('sqli')[0]!;
    assertFields(sec, { pri: '131', appname: 'api', procid: '-', msgid: 'sqli', sd: expectedSd(security), msg: escapedMsg(HOSTILE) });
    assert.equal(Date.parse(sec.timestamp), Date.parse(security.at), 'timestamp with ms survives');
    assertFields(byMsgid('crash')[0]!, { pri: '131', appname: 'api', procid: '4242', msgid: 'crash', sd: expectedSd(crash), msg: escapedMsg(crash.reason) });
    const lines = byMsgid('line').sort((a, b) => a.appname.localeCompare(b.appname));
    assert.equal(lines.length, 2);
    assertFields(lines[0]!, { pri: '132', appname: 'api', procid: '-', msgid: 'line', msg: escapedMsg(LONG) });
    assert.match(lines[0]!.sd, /^\[bulwark@32473 source="stderr" id="[0-9a-z]+"\]$/);
    assertFields(lines[1]!, { pri: '134', appname: 'worker', procid: '-', msgid: 'line', msg: escapedMsg(HOSTILE) });
    assert.ok(Buffer.byteLength(lines[0]!.msg) > 10_000, '10 KB line arrived whole');
    assert.deepEqual(fwd.status().map((s) => [s.name, s.connected, s.lastError]), [['rx', true, null]]);
    assert.deepEqual(emitted.map((e) => e.kind), ['forward.up']);
  } finally {
    await fwd.close();
    await rx.dispose();
    rmSync(stateDir, { recursive: true, force: true });
    if (ca) rmSync(ca.dir, { recursive: true, force: true });
  }
}

function assertFields(r: ReceivedRecord, want: Partial<ReceivedRecord>): void {
  assert.equal(r.hostname, 'web-01.example');
  for (const [k, v] of Object.entries(want)) assert.equal(r[k as keyof ReceivedRecord], v, `field ${k}`);
}

test('udp: rsyslog parses every field as sent, one datagram per message', () => roundTrip('udp'));
test('tcp with octet-counting framing: fields equal what was sent, hostile content included', () => roundTrip('tcp', 'octet-counting'));
test('tcp with newline framing: CR/LF/NUL in a line cannot forge a second record', () => roundTrip('tcp', 'newline'));
test('tls (verified against a throw-away CA): fields equal what was sent', () => roundTrip('tls', 'octet-counting', makeTestCa()));
test('relp: fields equal what was sent, delivery acknowledged', () => roundTrip('relp'));
