// What to exec for an app: `cmd` is an argv; a `script` ending .js/.mjs/.cjs runs under this
// Node (process.execPath, no wrapper), any other script is exec'd itself. Never a shell.
import { isAbsolute, resolve } from 'node:path';
import type { AppConfig } from '../config/schema/index.js';

export interface SpawnCommand {
  file: string;
  args: string[];
  cwd: string;
}

const NODE_SCRIPT = /\.[cm]?js$/;

export function spawnCommandFor(app: AppConfig): SpawnCommand {
  const cwd = resolve(app.cwd ?? process.cwd());
  if (app.cmd !== undefined) return { file: app.cmd[0]!, args: [...app.cmd.slice(1), ...app.args], cwd };
  // Relative to cwd, so "run.sh" is the file in cwd and not a PATH lookup.
  const script = isAbsolute(app.script!) ? app.script! : resolve(cwd, app.script!);
  if (NODE_SCRIPT.test(script)) return { file: process.execPath, args: [script, ...app.args], cwd };
  return { file: script, args: app.args, cwd };
}
