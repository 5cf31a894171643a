// `start`, `config check` and `import pm2` agree on what a file is: a script to run, a PM2 process
// file or a bulwark config. Each command is asked through its own entry point, over every real PM2
// file we test against, PM2 shapes in YAML and JSON, the example configs and bulwark configs that share
// PM2's `apps: [{name, script}]` shape but must not be read as PM2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import configCommand from '../../src/cli/commands/config.js';
import importCommand from '../../src/cli/commands/import.js';
import { loadTarget } from '../../src/cli/commands/start.js';
import { ConfigError } from '../../src/config/errors.js';
import { makeWorkspace, PM2_CASES } from '../helpers/pm2-workspace.js';

type Kind = 'script' | 'pm2' | 'bulwark';
const EXAMPLES = resolve(import.meta.dirname, '../../examples');
/** What the examples read from the environment. */
const EXAMPLE_ENV = { SHOP_PORT: '3000', BULWARK_WEBHOOK_URL: 'http://127.0.0.1:9/hook', LOGSTASH_HOST: '127.0.0.1', PAPERTRAIL_HOST: 'logs.example.com', PAPERTRAIL_PORT: '514' };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

async function startVerdict(file: string): Promise<Kind | string> {
  try {
    const { config } = await loadTarget(file, {}, capture().io);
    // A script is run as the app itself. A PM2 file's apps stop with SIGINT, as PM2 stops them
    // (docs/pm2.md); a bulwark file's with its stop.signal, SIGTERM unless it says otherwise.
    if (config.apps.some((a) => a.script === resolve(file))) return 'script';
    return config.apps.every((a) => a.stop.signal === 'SIGINT') ? 'pm2' : 'bulwark';
  } catch (err) {
    return err instanceof ConfigError ? `error: ${err.message}` : Promise.reject(err);
  }
}

async function checkVerdict(file: string): Promise<Kind | string> {
  const c = capture();
  const code = await configCommand.run({ action: 'check', file, json: true }, c.io);
  const res = JSON.parse(c.out.join('')) as { valid: boolean; kind?: Kind; errors?: { message: string }[] };
  if (code === 0) return res.kind!;
  return res.errors!.some((e) => /not a config file/.test(e.message)) ? 'script' : `error: ${JSON.stringify(res.errors)}`;
}

async function importVerdict(file: string): Promise<Kind | string> {
  const c = capture();
  const code = await importCommand.run({ from: 'pm2', file }, c.io);
  if (code === 0) return 'pm2';
  const text = c.err.join('\n');
  if (/not a config file/.test(text)) return 'script';
  if (/a bulwark config, not a PM2 process file/.test(text)) return 'bulwark';
  return `error: ${text}`;
}

test('start, config check and import pm2 give the same verdict on every file: real PM2 files, ours, bulwark configs, scripts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-agree-'));
  const workspaces = PM2_CASES.map(makeWorkspace);
  const saved = { ...process.env };
  Object.assign(process.env, EXAMPLE_ENV);
  t.after(() => {
    for (const w of workspaces) w.cleanup();
    rmSync(dir, { recursive: true, force: true });
    for (const k of Object.keys(EXAMPLE_ENV)) if (saved[k] === undefined) delete process.env[k];
    process.env.PATH = saved.PATH;
  });
  const write = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
  const cases: [string, Kind][] = [
    ...workspaces.map((w): [string, Kind] => [w.file, 'pm2']),
    // PM2 shapes in YAML/JSON: PM2 keys, a string args, a single app object, a bare array, a `pm2` key.
    [write('process.yml', 'apps:\n  - name: api\n    script: server.js\n    exec_mode: fork\n    env_production: { NODE_ENV: production }\n'), 'pm2'],
    [write('pm2.json', '{"name": "api", "script": "server.js"}'), 'pm2'],
    [write('apps.json', '[{"name": "api", "script": "server.js", "watch": true}]'), 'pm2'],
    [write('args.json', '{"apps": [{"name": "api", "script": "server.js", "args": "--port 3000"}]}'), 'pm2'],
    [write('keyed.yaml', 'pm2:\n  - script: server.js\n'), 'pm2'],
    // bulwark configs, including ones whose apps use only keys PM2 shares.
    [join(EXAMPLES, 'bulwark.yml'), 'bulwark'],
    [join(EXAMPLES, 'logstash.yml'), 'bulwark'],
    [join(EXAMPLES, 'papertrail.yml'), 'bulwark'],
    [write('bulwark.yml', 'apps:\n  - name: api\n    script: server.js\n    env: { NODE_ENV: production }\n'), 'bulwark'],
    [write('bulwark.json', '{"apps": [{"name": "api", "script": "server.js", "args": ["--port", "3000"], "restart": {"policy": "on-failure"}}]}'), 'bulwark'],
    [write('cmd.json', '{"apps": [{"name": "api", "cmd": ["node", "server.js"], "watch": {"paths": ["src"]}}]}'), 'bulwark'],
    [write('sections.yml', 'apps:\n  - name: api\n    script: server.js\nsecurity: {}\nforward: []\n'), 'bulwark'],
    // Scripts: start runs them; neither config check nor import evaluates them.
    [write('main.js', 'throw new Error("a script must not be evaluated as a config");\n'), 'script'],
    [write('app.mjs', 'throw new Error("a script must not be evaluated as a config");\n'), 'script'],
    [write('run.sh', '#!/bin/sh\nexit 1\n'), 'script'],
  ];
  // Scripts must exist (start and config check refuse what could not run); PM2 paths resolve from
  // where the command runs, as in PM2: each real file's workspace, and `dir` for the others.
  writeFileSync(join(dir, 'server.js'), 'setInterval(() => {}, 60_000);\n');
  // Programs a real file runs that this machine may lack (bun, deno, yarn) have stand-ins on the
  // workspace's PATH, so the file is judged, not the program's absence.
  const from = new Map(workspaces.map((w) => [w.file, w]));
  const cwd = process.cwd();
  t.after(() => process.chdir(cwd));
  const disagreements: string[] = [];
  let realAccepted = 0;
  for (const [file, want] of cases) {
    const ws = from.get(file);
    process.chdir(ws?.runFrom ?? dir);
    process.env.PATH = ws?.path ?? saved.PATH;
    const got = { start: await startVerdict(file), check: await checkVerdict(file), import: await importVerdict(file) };
    if (ws && got.start === 'pm2' && got.check === 'pm2') realAccepted++;
    if (got.start !== want || got.check !== want || got.import !== want) disagreements.push(`${file}: want ${want}, got ${JSON.stringify(got)}`);
  }
  t.diagnostic(`${cases.length} files: ${cases.filter(([, k]) => k === 'pm2').length} PM2, ${cases.filter(([, k]) => k === 'bulwark').length} bulwark, ${cases.filter(([, k]) => k === 'script').length} scripts`);
  t.diagnostic(`real PM2 files: ${workspaces.length}; start and config check accept ${realAccepted}`);
  assert.deepEqual(disagreements, []);
});
