// The daemon runs with two malloc arenas (less RSS with many apps); its apps do not inherit that,
// and a MALLOC_ARENA_MAX the user set reaches both unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

function envOf(file: string): Map<string, string> {
  return new Map(readFileSync(file, 'latin1').split(/\0|\n/).filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

for (const userValue of [undefined, '4']) {
  test(`MALLOC_ARENA_MAX ${userValue === undefined ? 'unset: 1 for the daemon, absent for its apps' : 'set by the user: kept for both'}`, async (t) => {
    const home = new TestHome('bulwark-env-');
    t.after(() => home.cleanup());
    const out = join(home.dir, 'app.env');
    home.write('bulwark.yml', `apps:\n  - name: envy\n    cmd: ["sh", "-c", "env > ${out}; exec sleep 1000"]\n`);
    const r = await home.run(['start', 'bulwark.yml'], { env: userValue === undefined ? {} : { MALLOC_ARENA_MAX: userValue } });
    assert.equal(r.code, 0, r.stderr);
    await waitFor('the app wrote its environment', () => existsSync(out) && readFileSync(out, 'utf8').includes('PATH='));
    const daemon = envOf(`/proc/${home.daemonPid()}/environ`);
    const app = envOf(out);
    assert.equal(daemon.get('MALLOC_ARENA_MAX'), userValue ?? '1');
    assert.equal(app.get('MALLOC_ARENA_MAX'), userValue);
    assert.equal(app.has('BULWARK_DAEMON_ARENA_MAX'), false);
    assert.equal(daemon.get('MALLOC_TRIM_THRESHOLD_'), userValue === undefined ? '131072' : undefined);
    assert.equal(app.has('MALLOC_TRIM_THRESHOLD_'), false);
  });
}
