// The apps the scale bench starts: the same N `sleep`s in each peer's own configuration format,
// with the case's extra (memory limits, heartbeats, one app tailing N files) for bulwark.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx } from './peers.js';
import type { Variant } from './row.js';

/** A heartbeat app without a fork per beat: bash writes the IPC message to fd 3 and waits 1 s on it. */
const HEARTBEAT_SCRIPT = 'while :; do printf \'{"bulwark":"heartbeat"}\\n\' >&3 || exit 1; read -t 1 -u 3; done';

/** The command every app of a case runs (argv); the heartbeat apps also need the IPC channel at fd 3. */
export function appCommand(variant: Variant): string[] {
  return variant === 'heartbeats' ? ['bash', '-c', HEARTBEAT_SCRIPT] : ['sleep', '100000'];
}

export function bulwarkConfig(ctx: Ctx, names: string[], variant: Variant): string {
  const extra = variant === 'limits' ? '    limits: { memory: { max: 512MB, for: 3 } }\n'
    : variant === 'heartbeats' ? '    health: { heartbeat: { timeout: 5s } }\n'
    : variant === 'tailed' ? `    logs: { tail: ["${join(ctx.dir, 'tailed')}/*.log"], format: clf }\n` : '';
  const cmd = JSON.stringify(appCommand(variant));
  const file = join(ctx.dir, `scale-${variant}-${names.length}.yml`);
  writeFileSync(file, `apps:\n${names.map((n) => `  - name: ${n}\n    cmd: ${cmd}\n${extra}`).join('')}`);
  return file;
}

export function pm2Config(ctx: Ctx, names: string[]): string {
  const file = join(ctx.dir, `scale-${names.length}.config.cjs`);
  const apps = names.map((name) => ({ name, script: '/bin/sleep', args: '100000', interpreter: 'none', autorestart: true }));
  writeFileSync(file, `module.exports = ${JSON.stringify({ apps })};\n`);
  return file;
}
