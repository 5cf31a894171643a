// `bulwark describe NAME` (PM2's `show`): the command as spawned, args, cwd, interpreter, env keys
// with secret-looking values masked, log files, restart policy, health, limits, the current run and
// the last 10 exits with their causes; attacker-written text in it is escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import type { LifecycleEvent } from '../../src/events/types.js';

const IDLE = resolve(import.meta.dirname, '../helpers/apps/idle.mjs');
const NODE = process.execPath;
const CRASH = `console.error('\\x1b]0;pwned\\x07 fatal \\u202e'); setTimeout(() => process.exit(3), 50)`;

test('describe shows command, env (secrets masked), log files, policy, health, limits, current run and last exits', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const cfg = h.write('b.yml', `apps:
  - name: api
    script: ${JSON.stringify(IDLE)}
    args: ["--port", "3000"]
    env: { NODE_ENV: production, API_TOKEN: s3cr3t-value, DATABASE_URL: "postgres://app:hunter2@db/shop" }
    restart: { policy: on-failure, maxRestarts: 4 }
    health: { heartbeat: { timeout: 1h }, tcp: { port: 3000, interval: 1h } }
    limits: { memory: { max: 256MB } }
    cron: "0 4 * * *"
  - name: flaky
    cmd: [${JSON.stringify(NODE)}, "-e", ${JSON.stringify(CRASH)}]
    restart: { backoff: { initial: 10ms, max: 20ms }, maxRestarts: 11 }
`);
  const started = await h.run(['start', cfg]);
  assert.equal(started.code, 1, 'flaky fails at start, by design');
  assert.match(started.stderr, /flaky failed to start/);
  const r = await h.run(['describe', 'api']);
  assert.equal(r.code, 0, r.stderr);
  const text = r.stdout;
  assert.match(text, new RegExp(`^runs +${NODE.replace(/\//g, '\\/')} ${IDLE.replace(/\//g, '\\/')} --port 3000$`, 'm'));
  assert.match(text, /^args +\["--port","3000"\]$/m);
  assert.match(text, /^cwd +\//m);
  assert.match(text, /^interpreter +node /m);
  assert.match(text, /^env +NODE_ENV=production {2}API_TOKEN=\*\*\*\* {2}DATABASE_URL=postgres:\/\/app:\*\*\*\*@db\/shop$/m);
  assert.doesNotMatch(text, /s3cr3t|hunter2/);
  assert.match(text, new RegExp(`^stdout +${h.home}/logs/api\\.out\\.log$`, 'm'));
  assert.match(text, new RegExp(`^stderr +${h.home}/logs/api\\.err\\.log$`, 'm'));
  assert.match(text, /^restart +on-failure; .*errored after 4 restarts that failed in a row$/m);
  assert.match(text, /^stop +SIGTERM, SIGKILL after 10s/m);
  assert.match(text, /^health +heartbeat within 1h0m; tcp 127\.0\.0\.1:3000 every 1h0m, timeout 2s, 3 failures$/m);
  assert.match(text, /^limits +memory 256\.0MB for 3 samples/m);
  assert.match(text, /^cron +0 4 \* \* \*$/m);
  assert.match(text, /^online +running +\d+ /m);

  // 12 crashes (11 restarts): the last 10 exits are listed with their cause; the app's stderr cannot reach the terminal raw.
  await waitFor('the flaky app errored', async () => (await h.json<{ state: string }[]>(['status', 'flaky']))[0]?.state === 'errored', 30_000);
  const flaky = await h.run(['describe', 'flaky']);
  assert.equal(flaky.code, 0, flaky.stderr);
  assert.match(flaky.stdout, /^last 10 exit\(s\), newest last:$/m);
  const exits = flaky.stdout.split('\n').filter((l) => /^\d{4}-\d\d-\d\dT\S+ +crash +code 3 +exited: code 3/.test(l));
  assert.equal(exits.length, 10, flaky.stdout);
  assert.match(flaky.stdout, /^interpreter +- \(cmd is run as given\)$/m);
  assert.doesNotMatch(flaky.stdout, /[\x1b\x07\u202e]/);

  const json = await h.run(['describe', 'api', '--json']);
  const d = JSON.parse(json.stdout) as { config: { env: Record<string, string> }; status: { state: string }[]; exits: LifecycleEvent[]; logFiles: { stdout: string } };
  assert.equal(d.config.env.API_TOKEN, '****');
  assert.equal(d.status[0]?.state, 'online');
  assert.deepEqual(d.exits, []);
  assert.equal(d.logFiles.stdout, `${h.home}/logs/api.out.log`);
});
