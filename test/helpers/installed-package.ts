// The package as a user gets it: a copy of this tree is packed (`npm pack` runs prepack, a clean
// build) and the tarball installed globally into a temporary prefix, once per test file. The copy
// keeps the working tree's dist/ untouched while other test files run the dev build.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliResult } from './bulwark-cli.js';

export const REPO = resolve(import.meta.dirname, '../..');
/** Never copied: installs, builds and local state (paths relative to the repository). */
const NOT_COPIED = new Set(['dist', '.git', '.bulwark-test', 'bench/work']);
const copied = (src: string): boolean => {
  const rel = src.slice(REPO.length + 1);
  return !NOT_COPIED.has(rel) && !rel.split('/').includes('node_modules') && !rel.endsWith('.tgz');
};

export interface InstalledPackage {
  /** The temp dir holding everything (removed when the test process exits). */
  work: string;
  tarball: string;
  /** `npm install -g --prefix` target: the bin is prefix/bin/bulwark. */
  prefix: string;
  bin: string;
  /** The installed package directory (prefix/lib/node_modules/bulwark). */
  packageDir: string;
  /** Runs the installed `bulwark ...args` with the given BULWARK_HOME. */
  run(args: string[], opts: { home: string; cwd?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
}

let installing: Promise<InstalledPackage> | undefined;

/** Packs and installs once per test process; later calls share the result. */
export function installedPackage(): Promise<InstalledPackage> {
  installing ??= install();
  return installing;
}

async function install(): Promise<InstalledPackage> {
  const work = mkdtempSync(join(tmpdir(), 'bulwark-pack-'));
  process.once('exit', () => rmSync(work, { recursive: true, force: true }));
  const tree = join(work, 'tree');
  cpSync(REPO, tree, { recursive: true, filter: copied });
  symlinkSync(join(REPO, 'node_modules'), join(tree, 'node_modules'));
  const packed = await npm(['pack', '--json', '--pack-destination', work], tree);
  const tarball = join(work, (JSON.parse(packed) as { filename: string }[])[0]!.filename);
  const prefix = join(work, 'prefix');
  mkdirSync(prefix);
  // The dependencies come from npm's cache, which `npm ci` filled; the registry only if it misses.
  await npm(['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], work);
  const bin = join(prefix, 'bin', 'bulwark');
  return {
    work, tarball, prefix, bin, packageDir: join(prefix, 'lib', 'node_modules', 'bulwark'),
    run: (args, opts) => runProgram(bin, args, opts.cwd ?? work, { ...cleanEnv(), BULWARK_HOME: opts.home, ...opts.env }, opts.timeoutMs ?? 60_000),
  };
}

/** This process's environment without what `npm test` adds (npm_config_* would steer the inner npm). */
export function cleanEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^npm_/i.test(e[0])));
}

async function npm(args: string[], cwd: string): Promise<string> {
  const r = await runProgram('npm', args, cwd, cleanEnv(), 300_000);
  if (r.code !== 0) throw new Error(`npm ${args.join(' ')} exited ${r.code}\n${r.stderr}`);
  return r.stdout;
}

export function runProgram(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${file} ${args.join(' ')} timed out\n${stderr}`)); }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolveRun({ code, stdout, stderr }); });
  });
}
