// The watch ignore list, as PM2 users write ignore_watch: a pattern without a slash matches any path
// segment; one with a slash matches from the app's cwd down; `*` `?` `**` as in a shell.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ignoreMatcher } from '../../src/supervisor/watch-restart.js';

const CWD = '/srv/app';
const at = (rel: string) => join(CWD, rel);

function verdicts(patterns: string[], paths: string[]): Record<string, boolean> {
  const ignored = ignoreMatcher(patterns, CWD);
  return Object.fromEntries(paths.map((p) => [p, ignored(at(p))]));
}

test('`sun*` ignores any segment starting with sun, at any depth, and nothing else', () => {
  assert.deepEqual(verdicts(['sun*'], ['sun', 'sunrise.js', 'src/sunset/a.js', 'src/a-sun.js', 'src/sun', 'Sun.js', 'moon.js']), {
    'sun': true, 'sunrise.js': true, 'src/sunset/a.js': true, 'src/a-sun.js': false, 'src/sun': true, 'Sun.js': false, 'moon.js': false,
  });
});

test('`.*` ignores dotfiles and everything under a dot directory, not files with a dot inside', () => {
  assert.deepEqual(verdicts(['.*'], ['.env', '.git/HEAD', 'src/.cache/x', 'src/app.js', 'a.b.c']), {
    '.env': true, '.git/HEAD': true, 'src/.cache/x': true, 'src/app.js': false, 'a.b.c': false,
  });
});

test('`themes/*/public` ignores each theme\'s public folder and what is in it, from the cwd only', () => {
  assert.deepEqual(verdicts(['themes/*/public'], [
    'themes/dark/public', 'themes/dark/public/css/a.css', 'themes/dark/src/a.js', 'themes/public', 'other/themes/dark/public/a', 'themes/dark/publication',
  ]), {
    'themes/dark/public': true, 'themes/dark/public/css/a.css': true, 'themes/dark/src/a.js': false, 'themes/public': false,
    'other/themes/dark/public/a': false, 'themes/dark/publication': false,
  });
});

test('`logs/**` and a trailing slash: a folder and all below it', () => {
  assert.deepEqual(verdicts(['logs/**', 'tmp/'], ['logs/a.log', 'logs/2024/01/a.log', 'src/logs/a', 'tmp/x', 'src/tmp/x', 'logsx/a']), {
    'logs/a.log': true, 'logs/2024/01/a.log': true, 'src/logs/a': false, 'tmp/x': true, 'src/tmp/x': true, 'logsx/a': false,
  });
});

test('PM2\'s default when watch is on and ignore_watch is unset (node_modules and dotfiles) leaves the sources watched', () => {
  assert.deepEqual(verdicts(['node_modules', '.*'], [
    'node_modules/express/index.js', 'packages/web/node_modules/x/y.js', '.git/index', 'src/index.js', 'package.json', '', 'node_modules_old/a',
  ]), {
    'node_modules/express/index.js': true, 'packages/web/node_modules/x/y.js': true, '.git/index': true, 'src/index.js': false,
    'package.json': false, '': false, 'node_modules_old/a': false,
  });
});
