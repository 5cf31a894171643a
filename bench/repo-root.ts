// The repository root, from a module in bench/ run as source (tsx) or compiled (dist/bench).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function repoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the repository root above ${from}`);
    dir = up;
  }
  return dir;
}
