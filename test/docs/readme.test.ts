// What users read stays true and self-contained: the README starts with the demo and the whole
// suite, its quick start installs the package first, every link in README and docs/ points inside
// the repository (to a file and heading that exist), and docs/reference.md covers every command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';

const REPO = resolve(import.meta.dirname, '../..');
const DOCS = ['README.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (f: string) => readFileSync(join(REPO, f), 'utf8');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6} +(.+)$/gm)) {
    out.add(m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return out;
}

test("the README's first two commands are the demo and the whole suite, and its quick start installs the package first", () => {
  const readme = read('README.md');
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!.trim().split('\n');
  assert.match(firstBlock[0]!, /^npm ci && npm run demo\s/);
  assert.match(firstBlock[1]!, /^sudo bash scripts\/install-test-deps\.sh && npm ci && npm test\s/);
  const quick = readme.slice(readme.indexOf('## Quick start'));
  const quickBlock = /```sh\n([\s\S]*?)```/.exec(quick)![1]!.trim().split('\n');
  assert.match(quickBlock[0]!, /^npm ci && npm pack && npm install -g \.\/bulwark-\*\.tgz\s/);
  assert.match(quickBlock[1]!, /^bulwark start server\.js --name api -- --port 3000\s/);
});

test('README and docs/ reference nothing outside the repository, and every link resolves', () => {
  for (const file of DOCS) {
    const text = read(file);
    assert.doesNotMatch(text, /\.\.\/shared|SPEC\.md|\/work\//, `${file} points outside the repository`);
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^(https?:|mailto:)/.test(target)) continue;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const abs = path === '' ? join(REPO, file) : resolve(dirname(join(REPO, file)), path);
      assert.ok(!relative(REPO, abs).startsWith('..'), `${file}: ${target} leaves the repository`);
      assert.ok(existsSync(abs), `${file}: ${target} does not exist`);
      if (anchor && abs.endsWith('.md')) assert.ok(anchors(readFileSync(abs, 'utf8')).has(anchor), `${file}: ${target}: no such heading`);
    }
  }
});

test('docs/reference.md documents every command the CLI lists', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const help = await h.run(['--help']);
  const commands = [...help.stdout.matchAll(/^ {2}bulwark (\S+)/gm)].map((m) => m[1]!);
  assert.ok(commands.length > 15, help.stdout);
  const reference = read('docs/reference.md');
  const missing = commands.filter((c) => !new RegExp(`(^\\| |· )\`${c}[ \`]`, 'm').test(reference));
  assert.deepEqual(missing, [], 'every command has a row in the commands table of docs/reference.md');
});
