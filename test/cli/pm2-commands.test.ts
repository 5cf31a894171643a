// A PM2 user types PM2's words: `bulwark ls` must answer with `bulwark status`, not yargs' nearest
// spelling ("Did you mean logs?"). Every such word is in docs/pm2.md's Commands table, none shadows a
// bulwark command, and each answer names a command that exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { REPO } from '../helpers/installed-package.js';
import { PM2_COMMANDS, pm2CommandHint } from '../../src/cli/pm2-commands.js';

test('PM2 command names bulwark does not use are answered with the bulwark command (exit 2)', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  for (const [args, instead] of [[['ls'], 'bulwark status'], [['show', 'api'], 'bulwark describe <name>'], [['dump'], 'bulwark save'], [['cleardump'], 'bulwark save --clear']] as const) {
    const r = await h.run([...args]);
    assert.equal(r.code, 2, `bulwark ${args.join(' ')}`);
    assert.equal(r.stderr.trim(), `bulwark: \`${args[0]}\` is PM2's command; in bulwark it is \`${instead}\` (docs/pm2.md lists the others)`);
    assert.equal(r.stdout, '');
  }
  const near = await h.run(['statuss']);
  assert.equal(near.code, 2);
  assert.match(near.stderr, /Did you mean status\?/, 'other unknown words still get the nearest spelling');
  assert.equal(pm2CommandHint('constructor'), undefined, 'only the table\'s own keys');
});

test('no PM2 word shadows a bulwark command, each answer names one that exists, and docs/pm2.md lists every word', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const help = await h.run(['--help']);
  const commands = new Set([...help.stdout.matchAll(/^ {2}bulwark (\S+)/gm)].map((m) => m[1]!));
  assert.ok(commands.has('status') && commands.has('describe'), help.stdout);
  const docs = readFileSync(join(REPO, 'docs/pm2.md'), 'utf8');
  const table = docs.slice(docs.indexOf('## Commands'), docs.indexOf('\n## ', docs.indexOf('## Commands') + 1));
  for (const [word, instead] of Object.entries(PM2_COMMANDS)) {
    assert.ok(!commands.has(word), `${word} is a bulwark command: its hint would never show`);
    for (const used of instead.matchAll(/bulwark (\S+)/g)) assert.ok(commands.has(used[1]!), `${word} -> ${instead}: no command ${used[1]}`);
    assert.match(table, new RegExp(`(\`pm2 ${word}[ \`]|/ \`${word}\`)`), `docs/pm2.md's Commands table lists pm2 ${word}`);
  }
});
