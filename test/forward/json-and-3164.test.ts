// The two other formats on a real wire: json lines (what Logstash's tcp input + json_lines codec
// reads) and RFC 3164 into rsyslog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delay, startRsyslog } from '../helpers/rsyslog.js';
import { makeForwarder, securityEvent } from './scenario.js';
import { listenLoopback } from '../helpers/loopback-server.js';
import { escapedMsg } from './expect.js';

const HOSTILE = 'q=1]"\\ \r\nforged\0 ünï 😀';

test('logstash preset: one JSON object per line, the event intact, hostile line and all', { timeout: 30_000 }, async (t) => {
  const lines: string[] = [];
  let rest = '';
  const rx = await listenLoopback((s) => {
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      const parts = (rest + d).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
    });
  });
  const { fwd, cleanup } = makeForwarder({ name: 'ls', preset: 'logstash', host: '127.0.0.1', port: rx.port, select: ['all'] });
  t.after(async () => {
    await fwd.close();
    rx.close();
    cleanup();
  });
  await fwd.start();
  const e = { ...securityEvent('json-1'), line: HOSTILE };
  fwd.accept(e);
  fwd.accept({ app: 'api', source: 'stdout', line: HOSTILE, readAt: Date.parse('2026-01-02T03:04:05.678Z') });
  const deadline = Date.now() + 10_000;
  while (lines.length < 2) {
    assert.ok(Date.now() < deadline, 'two lines arrive');
    await delay(20);
  }
  assert.equal(lines.length, 2);
  const [ev, line] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(ev, { '@timestamp': e.at, host: 'test-host', ...e });
  assert.equal(line!.message, HOSTILE);
  assert.equal(line!['@timestamp'], '2026-01-02T03:04:05.678Z');
  assert.deepEqual([line!.type, line!.app, line!.source, line!.host], ['line', 'api', 'stdout', 'test-host']);
  assert.equal(typeof line!.id, 'string');
});

test('rfc3164 into rsyslog: host, tag and MSG as sent', { timeout: 30_000 }, async (t) => {
  const rx = await startRsyslog({ tcp: true });
  const { fwd, cleanup } = makeForwarder({ name: 'bsd', host: '127.0.0.1', port: rx.ports.tcp!, protocol: 'tcp', format: 'rfc3164', framing: 'newline', select: ['all'] });
  t.after(async () => {
    await fwd.close();
    await rx.dispose();
    cleanup();
  });
  await fwd.start();
  fwd.accept({ app: 'api', source: 'stdout', line: HOSTILE, readAt: Date.now() });
  const [r] = await rx.waitFor((recs) => recs.length >= 1);
  assert.deepEqual([r!.pri, r!.hostname, r!.appname], ['134', 'test-host', 'api']);
  assert.equal(r!.msg.trimStart(), escapedMsg(HOSTILE));
});
