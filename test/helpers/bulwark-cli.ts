// Runs the real CLI (bin/bulwark, compiled) against a throw-away BULWARK_HOME.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/bulwark');

export interface CliResult { code: number | null; stdout: string; stderr: string }

export class TestHome {
  readonly dir: string;
  readonly home: string;

  constructor(prefix = 'bulwark-test-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.home = join(this.dir, 'home');
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, BULWARK_HOME: this.home, ...extra };
  }

  /** Runs `bulwark ...args` to completion (async, so the test's event loop keeps running). */
  run(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
    return new Promise((resolveRun, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? this.dir, env: this.env(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`bulwark ${args.join(' ')} timed out\n${stderr}`)); }, opts.timeoutMs ?? 60_000);
      child.on('close', (code) => { clearTimeout(timer); resolveRun({ code, stdout, stderr }); });
    });
  }

  async json<T>(args: string[]): Promise<T> {
    const r = await this.run([...args, '--json']);
    if (r.code !== 0) throw new Error(`bulwark ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }

  write(name: string, text: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }

  daemonPid(): number | null {
    const f = join(this.home, 'daemon.pid');
    return existsSync(f) ? Number.parseInt(readFileSync(f, 'utf8'), 10) : null;
  }

  /** Stops the daemon (and so its apps) and removes the temp dir; SIGKILLs whatever is left. */
  cleanup(): void {
    spawnSync(process.execPath, [BIN, 'kill'], { env: this.env(), timeout: 60_000 });
    const pid = this.daemonPid();
    if (pid) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0); it is dead for our purposes.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

