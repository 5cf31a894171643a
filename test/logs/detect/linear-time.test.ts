// Node's RegExp has no timeout: every built-in signature must stay linear on hostile 64 KB input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_SIGNATURES } from '../../../src/logs/detect/signatures.js';
import { judgeValue } from '../../../src/logs/detect/attacks/judge.js';
import { Detector } from '../../../src/logs/detect/detector.js';
import { securitySchema } from '../../../src/config/schema/security.js';

const SIZE = 64 * 1024;

/** CPU milliseconds this process spent since `from` (a loaded machine stretches wall time, not this). */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}
// Repeated fragments that make backtracking engines work hardest on our patterns' prefixes.
const FRAGMENTS = ["'", ' ', "' ", "'  or ", '<a ', '< ', '<img src ', '{{', '../', '..', '%', '%25', 'union ', 'union/**/', 'select ',
  ';', '; ', 'sleep(', '1 or ', '" on', 'javascript: ', '/.', '/.env', 'a~', '/wp-', 'x'.repeat(39) + '.', '\t', '[$', 'or a=', ')',
  '$(', '`', '${', '<?', '{{7*', '|', '&&', ';cat ', 'a$', '{,', '$a', '/e[', '\\', '%u', '&#', '=/', 'http://1.1.1.1/', '1.e(',
  "''", '""', 'cat ', 'if ', 'for %', 'O:8:"', 'a:1:{', '__proto__', 'constructor[', '<!ENTITY ', 'data:', '/*!', '-- ', '#', '((',
  "'||", '::int', 'x=', 'time ', '/?', '[a]'];

function hostile(): string[] {
  const out: string[] = [];
  for (const f of FRAGMENTS) {
    const s = f.repeat(Math.ceil(SIZE / f.length)).slice(0, SIZE);
    out.push(s, s + '!', `'${s}`, `<${s}`);
  }
  return out;
}

test('each signature runs in linear time on 64 KB adversarial strings', () => {
  const sigs = ALL_SIGNATURES;
  const slow: string[] = [];
  const inputs = hostile();
  for (const s of sigs) {
    const t0 = process.cpuUsage();
    for (const x of inputs) s.re.test(x);
    const ms = cpuMsSince(t0);
    // Linear patterns take well under 1 ms per 64 KB string; quadratic ones take seconds. 4 s of CPU, which a loaded box does not stretch.
    if (ms > 4000) slow.push(`${s.rule}: ${ms.toFixed(0)} ms over ${inputs.length} inputs`);
  }
  assert.deepEqual(slow, []);
});

test('every value judge (SQL tokenizer, command and code rules) runs in linear time on 64 KB adversarial strings', () => {
  const slow: string[] = [];
  for (const x of hostile()) {
    const t0 = process.cpuUsage();
    judgeValue(x, 0, () => {});
    const ms = cpuMsSince(t0);
    if (ms > 1000) slow.push(`${JSON.stringify(x.slice(0, 12))}...: ${ms.toFixed(0)} ms`);
  }
  assert.deepEqual(slow, []);
});

test('the detector handles hostile 64 KB lines in every format quickly', () => {
  const d = new Detector(securitySchema.parse({}));
  const t0 = process.cpuUsage();
  let n = 0;
  for (const x of hostile()) {
    const payload = encodeURIComponent(x).slice(0, SIZE);
    for (const line of [
      `192.0.2.1 - - [10/Oct/2024:13:55:36 +0000] "GET /q?a=${payload} HTTP/1.1" 200 1 "-" "x"`,
      JSON.stringify({ msg: x, url: `/q?a=${payload}`, ip: '192.0.2.1' }),
      `Oct 10 13:55:36 h sshd[1]: Failed password for ${x} from 192.0.2.1 port 1 ssh2`,
      x,
    ]) {
      d.inspect({ app: 'a', source: 's', line, readAt: 0 }, 'auto');
      n++;
    }
  }
  const ms = cpuMsSince(t0);
  assert.ok(ms < 20_000, `${n} hostile lines took ${ms.toFixed(0)} ms`);
});
