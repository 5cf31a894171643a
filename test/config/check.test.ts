import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';

test('config check finds in one run every error start would hit, each naming the bad value and what is allowed (exit 78)', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  h.write('ok.cjs', 'setInterval(() => {}, 1000);\n');
  h.write('tool', '#!/bin/sh\nexit 0\n'); // not executable, and no interpreter applies to it
  const bad = h.write('bad.yml', [
    'apps:',
    '  - name: nightly',                        // 2
    '    script: ok.cjs',
    '    cron: "61 * * * *"',                   // 4: minute 61
    '  - name: gone',                           // 5
    '    script: ./missing.cjs',                // 6
    '  - name: tool',                           // 7
    '    script: tool',                         // 8
    '  - name: py',                             // 9
    '    cmd: [no-such-binary-bulwark, app.py]',// 10
    '  - name: slow',                           // 11
    '    script: ok.cjs',
    '    stop: { timeout: 5 }',                 // 13
    '  - name: neither',                        // 14
    '    restart: { policy: sometimes }',       // 15
    '  - script: ok.cjs',                       // 16: no name
    '    env: { PORT: 3000 }',                  // 17
    'alerts:',
    '  on: [crash, hnag]',                      // 19
    '',
  ].join('\n'));
  const r = await h.run(['config', 'check', bad]);
  assert.equal(r.code, 78, r.stderr);
  const expect: [number, string, RegExp][] = [
    [4, 'apps[0].cron', /not a valid cron expression\n\s+hint: node-cron syntax: 5 fields/],
    [6, 'apps[1].script', /\S+missing\.cjs does not exist/],
    [8, 'apps[2].script', /\S+tool is not executable[^\n]*\n\s+hint: chmod \+x/],
    [10, 'apps[3].cmd[0]', /"no-such-binary-bulwark" is not on PATH\n\s+hint: install it, or write its absolute path; PATH is /],
    [13, 'apps[4].stop.timeout', /5 has no unit\n\s+hint: write "5s"/],
    [14, 'apps[5]', /an app needs exactly one of `script` or `cmd`/],
    [15, 'apps[5].restart.policy', /"sometimes" is not one of always, on-failure, never/],
    [16, 'apps[6].name', /missing/],
    [17, 'apps[6].env.PORT', /3000 is a number; environment values are strings\n\s+hint: quote it: PORT: "3000"/],
    [19, 'alerts.on[1]', /"hnag" is not one of crash, hang, errored, memory, cpu, health, security, forward-down, recovered, ban, ban-storm, ban-error, reload-failed; did you mean "hang"\?/],
  ];
  for (const [line, path, message] of expect) {
    const esc = path.replace(/[[\].]/g, '\\$&');
    assert.match(r.stderr, new RegExp(`bad\\.yml:${line}:\\d+: ${esc}: ${message.source}`), `${path} at line ${line}\n${r.stderr}`);
  }
  assert.match(r.stderr, new RegExp(`${expect.length} error\\(s\\) in `));

  // `start` rejects the same file with the same exit code, before a daemon exists.
  const started = await h.run(['start', bad]);
  assert.equal(started.code, 78);
  assert.match(started.stderr, /nothing was started/);
  assert.equal(existsSync(join(h.home, 'daemon.sock')), false);
});

test('an empty config file is an error; a script started from the command line is checked the same way (exit 78)', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  for (const text of ['', '# only a comment\n']) {
    const r = await h.run(['config', 'check', h.write('empty.yml', text)]);
    assert.equal(r.code, 78);
    assert.match(r.stderr, /empty\.yml: \(top level\): the file is empty/);
  }
  h.write('tool', '#!/bin/sh\nexit 0\n');
  const r = await h.run(['start', 'tool']);
  assert.equal(r.code, 78, r.stderr);
  assert.match(r.stderr, /apps\[0\]\.script: \S+tool is not executable/);
  const ok = h.write('ok.yml', 'apps:\n  - { name: ok, cmd: [node, "-e", "1"], stop: { timeout: 0 } }\n');
  assert.equal((await h.run(['config', 'check', ok])).code, 0, 'a bare 0 needs no unit');
});
