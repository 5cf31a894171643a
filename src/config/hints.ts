// One helpful sentence per kind of config mistake.
import type { z } from 'zod';

const KNOWN_KEYS: Record<string, string[]> = {
  '': ['apps', 'security', 'forward', 'alerts'],
  app: ['name', 'script', 'cmd', 'args', 'cwd', 'interpreter', 'interpreterArgs', 'env', 'envs', 'restart', 'stop', 'health', 'limits', 'cron', 'watch', 'logs',
    'instances', 'wait_ready', 'listen_timeout', 'instance_var', 'increment_var', 'shutdown_with_message'],
  restart: ['policy', 'backoff', 'minUptime', 'maxRestarts', 'window'],
  health: ['heartbeat', 'http', 'tcp', 'silence', 'grace'],
  limits: ['memory', 'cpu', 'sampleEvery'],
};

export function hintFor(issue: z.core.$ZodIssue, path: readonly PropertyKey[]): string | undefined {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = String(path[path.length - 1]);
      const section = sectionOf(issue.path);
      const near = closest(key, KNOWN_KEYS[section] ?? []);
      return near ? `did you mean "${near}"? Unknown keys are rejected so typos cannot pass silently`
        : 'remove it; unknown keys are rejected so typos cannot pass silently (see README "Configuration")';
    }
    case 'invalid_value': return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type': return issue.expected === 'array' ? 'write a YAML list (- item) or [a, b]' : `expected a ${issue.expected}`;
    case 'too_small': return issue.origin === 'array' ? 'add at least one entry' : 'the value is too small';
    case 'too_big': return 'the value is too large';
    case 'invalid_format': return issue.format === 'url' ? 'write a full URL like http://127.0.0.1:3000/health' : undefined;
    default: return undefined;
  }
}

function sectionOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  if (path[0] === 'apps' && path.length === 2) return 'app';
  const last = path[path.length - 1];
  return typeof last === 'string' ? last : '';
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
