// `bulwark completion` for bash and zsh: the printed script, sourced in the real shell, completes
// commands, options and app names (the shell calls `bulwark --get-yargs-completions`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, TestHome } from '../helpers/bulwark-cli.js';

function shell(h: TestHome, file: string, script: string): string {
  const r = spawnSync(file, ['-c', script], { env: h.env({ PATH: `${join(h.dir, 'bin')}:${process.env.PATH}` }), encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** A home where apps "api" and "web" have captured output, and `bulwark` on PATH. */
function setup(t: { after(fn: () => void): void }): TestHome {
  const h = new TestHome();
  t.after(() => h.cleanup());
  mkdirSync(join(h.home, 'logs'), { recursive: true });
  for (const f of ['api.out.log', 'api.err.log', 'web.out.log']) writeFileSync(join(h.home, 'logs', f), '');
  mkdirSync(join(h.dir, 'bin'));
  symlinkSync(BIN, join(h.dir, 'bin', 'bulwark'));
  return h;
}

test('bash: `source <(bulwark completion bash)` completes commands, options and app names', async (t) => {
  const h = setup(t);
  const complete = (...words: string[]) => shell(h, 'bash', `source <(bulwark completion bash)
    COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}
    _bulwark_yargs_completions; printf '%s\\n' "\${COMPREPLY[@]}"`).trim().split('\n').sort();
  assert.deepEqual(complete('bulwark', 'sta'), ['start', 'startup', 'status']);
  assert.deepEqual(complete('bulwark', 'stop', ''), ['all', 'api', 'web']);
  assert.deepEqual(complete('bulwark', 'logs', 'w'), ['web']);
  assert.ok(complete('bulwark', 'logs', '--').includes('--follow'));
  assert.match(shell(h, 'bash', 'bulwark completion'), /complete -o bashdefault -o default -F _bulwark_yargs_completions bulwark/);
});

test('zsh: `source <(bulwark completion zsh)` registers with compdef and completes commands and app names', async (t) => {
  const h = setup(t);
  // compsys is interactive; its two entry points are stubbed to record what the script asks of them.
  const complete = (...words: string[]) => shell(h, 'zsh', `compdef() { print -r -- "compdef $*" }
    _describe() { print -rl -- "\${(@P)2}" }
    source <(bulwark completion zsh)
    words=(${words.map((w) => JSON.stringify(w)).join(' ')}); CURRENT=${words.length}; BUFFER="\${words[*]}"; CURSOR=\${#BUFFER}
    _bulwark_yargs_completions`).trim().split('\n');
  const commands = complete('bulwark', 'st');
  assert.equal(commands[0], 'compdef _bulwark_yargs_completions bulwark');
  for (const c of ['start', 'stop', 'status', 'logs', 'describe', 'flush', 'completion']) assert.ok(commands.some((l) => l === c || l.startsWith(`${c}:`)), `${c} in ${commands.join(' ')}`);
  assert.deepEqual(complete('bulwark', 'restart', '').slice(1), ['all', 'api', 'web']);
  assert.match(shell(h, 'zsh', 'bulwark completion zsh'), /^#compdef bulwark/);
});
