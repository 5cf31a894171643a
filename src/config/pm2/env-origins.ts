// Where each env value of a PM2 file comes from, for `import pm2`: the file is evaluated once more,
// in a child process (fresh module cache) whose environment holds a marker in place of each of the
// caller's values. A value that comes out as a marker was read from the environment; one that
// comes out unchanged was written in the file; one built around markers is a template. So the
// bulwark.yml gets `${NAME}` where the file read NAME, and never the caller's secrets.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A value as evaluated in the caller's shell (`value`) and as it is to be written in bulwark.yml (`yaml`). */
export class YamlValue {
  constructor(readonly yaml: string, readonly value: string) {}
}

export type EnvOrigin =
  | { kind: 'literal' }
  | { kind: 'env'; name: string }
  | { kind: 'template'; yaml: string; names: string[] }
  | { kind: 'unknown' };

export interface EnvProbe {
  /** The file's document as evaluated with markers (null when the child could not evaluate it). */
  doc: unknown;
  origin(real: string, probed: string | undefined, key: string): EnvOrigin;
}

/** Kept real in the child: what node and the file need to run, none of it secret. */
const KEEP = /^(PATH|HOME|NODE_(?!ENV$).*|TSX_.*)$/;
const PROBE_TIMEOUT_MS = 10_000;

/** Evaluates `file` in a child with the caller's values replaced by markers; null if it cannot. */
export function probeEnvOrigins(file: string, cwd: string, env: NodeJS.ProcessEnv): EnvProbe | null {
  const nonce = randomBytes(6).toString('hex');
  const mark = (name: string) => `@@bw${nonce}:${name}@@`;
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = KEEP.test(k) ? v : mark(k);
  // read.ts under tsx (tests), read.js when built.
  const reader = new URL(`./read${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;
  const script = `const { readEcosystem } = await import(${JSON.stringify(reader)});
const doc = await readEcosystem(${JSON.stringify(file)});
const given = new Set(${JSON.stringify(Object.keys(childEnv))});
const added = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !given.has(k) && typeof v === 'string'));
process.stdout.write(JSON.stringify({ doc, added }));`;
  const r = spawnSync(process.execPath, [...loaderArgs(), '--input-type=module', '-e', script],
    { cwd, env: childEnv, encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) return null;
  let out: { doc: unknown; added: Record<string, string> };
  try {
    out = JSON.parse(r.stdout) as typeof out;
  } catch {
    return null;
  }
  const markers = new RegExp(`@@bw${nonce}:([^@]+)@@`, 'g');
  return {
    doc: out.doc,
    origin(real, probed, key) {
      if (probed === undefined) return { kind: 'unknown' };
      const names = [...probed.matchAll(markers)].map((m) => m[1]!);
      if (names.length === 0) {
        if (probed !== real) return { kind: 'unknown' };
        // Equal, but put into process.env by the file itself (dotenv), or a variable the child kept
        // real (PATH, HOME): still the environment's.
        const fromEnv = out.added[key] === real || (KEEP.test(key) && env[key] === real);
        return fromEnv ? { kind: 'env', name: key } : { kind: 'literal' };
      }
      if (probed === mark(names[0]!)) return { kind: 'env', name: names[0]! };
      const yaml = probed.split(markers).map((part, i) => (i % 2 === 1 ? `\${${part}}` : escapeRefs(part))).join('');
      return { kind: 'template', yaml, names };
    },
  };
}

/** `${NAME}` written literally in bulwark.yml must not be expanded: `$${NAME}` is the escape. */
export function escapeRefs(text: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (ref) => `$${ref}`);
}

/** The loader flags this process runs with (tsx in tests), so the child reads the same sources. */
function loaderArgs(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const flag = /^--(import|loader|require)$|^-r$/.exec(argv[i]!)?.[0];
    if (flag === undefined || argv[i + 1] === undefined) continue;
    // Resolved here: the child runs in the app's directory, where `tsx` may not resolve.
    out.push(flag, flag === '--require' || flag === '-r' ? argv[++i]! : resolveSpecifier(argv[++i]!));
  }
  return out;
}

function resolveSpecifier(spec: string): string {
  try {
    return import.meta.resolve(spec);
  } catch {
    return spec;
  }
}

/** `raw` as bulwark.yml must say it: references kept, every other `${NAME}` escaped. */
export function asWritten(raw: unknown): unknown {
  return mapLeaves(raw, (v) => (v instanceof YamlValue ? v.yaml : typeof v === 'string' ? escapeRefs(v) : v));
}

/** `raw` as it evaluates in the caller's shell (what validation checks). */
export function asEvaluated(raw: unknown): unknown {
  return mapLeaves(raw, (v) => (v instanceof YamlValue ? v.value : v));
}

function mapLeaves(v: unknown, leaf: (v: unknown) => unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => mapLeaves(x, leaf));
  if (v && typeof v === 'object' && !(v instanceof YamlValue)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapLeaves(x, leaf)]));
  return leaf(v);
}
