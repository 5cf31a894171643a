// `bulwark monit` in a real terminal (tmux): it shows the apps and the newest events, shows a
// hostile line's escape sequences as text, and gives the terminal back (main screen, cursor) on q
// and on Ctrl-C.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BIN, TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const home = new TestHome('bulwark-monit-');
const tmuxSocket = `bulwark-monit-${process.pid}`;
const session = 'monit';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', tmuxSocket, ...args], { encoding: 'utf8' });
}
const screen = (): string => tmux('capture-pane', '-p', '-t', session);
const flag = (name: string): string => tmux('display-message', '-p', '-t', session, `#{${name}}`).trim();

before(async () => {
  // One line carries markup and a terminal escape that would turn the screen red and clear it.
  home.write('app.js', `const line = '203.0.113.7 - - [02/Dec/2026:05:38:35 +0000] "GET /?q=<script>alert(1)</script>\\x1b[31m\\x1b[2J HTTP/1.1" 200 12 "-" "curl/8"';
setInterval(() => console.log(line), 300);`);
  home.write('bulwark.yml', 'apps:\n  - name: web\n    script: app.js\n');
  const r = await home.run(['start', 'bulwark.yml']);
  assert.equal(r.code, 0, r.stderr);
  tmux('new-session', '-d', '-s', session, '-x', '220', '-y', '40', '-e', `BULWARK_HOME=${home.home}`, 'bash', '--norc', '--noprofile');
  tmux('send-keys', '-t', session, "PS1='$ '; clear; echo before-monit", 'Enter');
  await waitFor('the shell', () => screen().includes('before-monit'));
});

after(() => {
  try { tmux('kill-server'); } catch { /* already gone */ }
  home.cleanup();
});

async function openMonit(): Promise<string> {
  tmux('send-keys', '-t', session, `${process.execPath} ${BIN} monit; echo "monit-exit=$?"`, 'Enter');
  return waitFor('monit showing the app and a detection', () => {
    const s = screen();
    return s.includes('bulwark monit') && /web\s+0\s+online/.test(s) && s.includes('xss') ? s : '';
  }, 20_000);
}

async function assertTerminalBack(): Promise<void> {
  const s = await waitFor('the shell again', () => (screen().includes('monit-exit=0') ? screen() : ''));
  assert.ok(s.includes('before-monit'), `the main screen came back:\n${s}`);
  assert.ok(!s.includes('bulwark monit ·'), 'nothing of the monit screen is left');
  assert.equal(flag('alternate_on'), '0', 'left the alternate screen');
  assert.equal(flag('cursor_flag'), '1', 'the cursor is visible again');
  tmux('send-keys', '-t', session, "clear; echo before-monit", 'Enter');
  await waitFor('the shell cleared', () => !screen().includes('monit-exit'));
}

test('monit shows apps and events, escape sequences of a log line as text, and q gives the terminal back', async () => {
  const s = await openMonit();
  assert.equal(flag('alternate_on'), '1', 'draws on the alternate screen');
  assert.equal(flag('cursor_flag'), '0', 'hides the cursor while drawing');
  assert.match(s, /\\x1b\[31m/, 'the escape sequence is shown as text');
  assert.match(s, /<script>alert\(1\)<\/script>/, 'markup is shown as written');
  tmux('send-keys', '-t', session, 'q');
  await assertTerminalBack();
});

test('Ctrl-C leaves monit with the terminal as it was', async () => {
  await openMonit();
  tmux('send-keys', '-t', session, 'C-c');
  await assertTerminalBack();
});
