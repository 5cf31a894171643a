import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-config-'));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

test('a valid file loads with defaults filled in and cwd resolved next to the file', async () => {
  const file = tmpFile('bulwark.yml', 'apps:\n  - name: api\n    script: server.js\n    stop: { timeout: 2s }\n');
  const { config } = await loadConfigFile(file);
  assert.equal(config.apps[0]!.stop.timeout, 2000);
  assert.equal(config.apps[0]!.restart.backoff.initial, 100);
  assert.equal(config.apps[0]!.cwd, join(file, '..'));
});

test('every error is listed with its line, path and a hint', async () => {
  const file = tmpFile('bulwark.yml', [
    'apps:', '  - name: api', '    script: server.js', '    restart:', '      polcy: always',
    '    stop: { timeout: 10q }', '  - name: "bad name"', '    cmd: [x]', '',
  ].join('\n'));
  await assert.rejects(loadConfigFile(file), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.issues.length, 3);
    const [typo, dur, name] = err.issues;
    assert.deepEqual([typo!.path, typo!.line], ['apps[0].restart.polcy', 5]);
    assert.match(typo!.hint!, /did you mean "policy"/);
    assert.deepEqual([dur!.path, dur!.line], ['apps[0].stop.timeout', 6]);
    assert.deepEqual([name!.path, name!.line], ['apps[1].name', 7]);
    return true;
  });
});

test('${VAR} is expanded from the environment and a missing one is an error', async () => {
  const file = tmpFile('b.yml', 'apps:\n  - name: api\n    script: s.js\n    env: { TOKEN: "${BW_TEST_TOKEN}" }\n');
  const { config } = await loadConfigFile(file, { BW_TEST_TOKEN: 'sekrit' });
  assert.equal(config.apps[0]!.env.TOKEN, 'sekrit');
  await assert.rejects(loadConfigFile(file, {}), /BW_TEST_TOKEN is not set/);
});

test('YAML syntax errors are located', async () => {
  const file = tmpFile('b.yml', 'apps:\n  - name: api\n   script: [\n');
  await assert.rejects(loadConfigFile(file), (err: unknown) => err instanceof ConfigError && err.issues[0]!.line !== undefined);
});

test('two forward endpoints with one name are a located config error', async () => {
  const file = tmpFile('b.yml', 'forward:\n  - { name: pt, host: a.example, port: 1 }\n  - { name: pt, host: b.example, port: 2 }\n');
  await assert.rejects(loadConfigFile(file), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.issues[0]!.path, 'forward[1].name');
    assert.match(err.issues[0]!.message, /duplicate forward endpoint name "pt"/);
    return true;
  });
});
