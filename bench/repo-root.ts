// The repository root, from a module in bench/ run as source (tsx) or compiled (dist/bench).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function repoRoot(from: string): string {
  let dir = from;
  while (!isBulwarkRoot(dir)) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the repository root above ${from}`);
    dir = up;
  }
  return dir;
}

/** bench/ has a package.json of its own (the peers it runs); the root's is bulwark's. */
function isBulwarkRoot(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'bulwark';
  } catch {
    return false;
  }
}
