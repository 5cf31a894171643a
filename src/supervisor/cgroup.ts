// Each app instance runs in its own cgroup v2, so a stop reaches every process it started, even
// one that called setsid: a daemonizing grandchild leaves the process group, never the cgroup.
//
// Layout: <the daemon's own cgroup>/bulwark-<hash of the state dir>/<app>@<instance>. Under
// systemd the generated unit sets Delegate=yes, which makes the daemon's cgroup its own to divide;
// elsewhere it is the cgroup the daemon was started in. No controller is enabled (cgroup.kill and
// cgroup.freeze are core files), so the daemon may stay in its cgroup beside its apps' ones.
//
// A child is born inside its cgroup: the daemon moves itself in, spawns and moves back in one
// synchronous step (no JS runs in between; Node cannot clone3 into a cgroup). Moving the child in
// after the spawn would race a grandchild forked in its first microseconds.
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProcessScope } from './process-scope.js';

/** Where the unified hierarchy is mounted and which cgroup this process is in, or why unknown. */
function ownCgroupDir(): string {
  const self = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'));
  if (self === undefined) throw new Error('this process is in no cgroup v2 (no "0::" line in /proc/self/cgroup)');
  const path = self.slice(3).replace(/ \(deleted\)$/, '');
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (right?.split(' ')[0] !== 'cgroup2') continue;
    const f = left!.split(' ');
    const root = unescapeMount(f[3]!);
    const mountPoint = unescapeMount(f[4]!);
    if (root === '/') return join(mountPoint, path);
    if (path === root || path.startsWith(`${root}/`)) return join(mountPoint, path.slice(root.length));
  }
  throw new Error('no cgroup v2 hierarchy is mounted (cgroup v1 only)');
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** A directory name cgroups under `base` use: short, stable for one state dir, no collisions. */
function baseName(stateDir: string): string {
  return `bulwark-${createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 12)}`;
}

const BULWARK_LEAF = /\/bulwark-[0-9a-f]{12}\/[A-Za-z0-9._-]{1,64}@\d+$/;

/** The cgroups of one supervisor (one state dir). */
export class CgroupTree {
  /** Leaves created or adopted by this process: anything else under `base` is a previous daemon's. */
  private readonly mine = new Map<string, CgroupScope>();
  /** Why the daemon could not move back to its own cgroup after a spawn (then cgroup.kill is never used). */
  stranded: string | null = null;

  private constructor(readonly base: string, readonly home: string) {}

  /**
   * The tree for the supervisor whose state lives in `stateDir`, or why none can be made here (no
   * cgroup v2, a read-only /sys/fs/cgroup, a cgroup not delegated to this user). Nothing is created
   * until the first instance needs its cgroup.
   */
  static open(stateDir: string): CgroupTree | string {
    try {
      const home = ownCgroupDir();
      accessSync(home, constants.W_OK);
      // The daemon moves itself in and out of its apps' cgroups: it must be able to come back.
      accessSync(join(home, 'cgroup.procs'), constants.W_OK);
      return new CgroupTree(join(home, baseName(stateDir)), home);
    } catch (err) {
      return (err as Error).message;
    }
  }

  /** The cgroup of one instance (`<app>@<index>`); processes a previous daemon left in it are killed. */
  scope(leaf: string): CgroupScope {
    let scope = this.mine.get(leaf);
    if (scope === undefined) {
      const path = join(this.base, leaf);
      mkdirSync(path, { recursive: true });
      scope = new CgroupScope(path, this);
      this.mine.set(leaf, scope);
      if (scope.alive()) scope.kill();
    }
    return scope;
  }

  /** Removes a leaf this daemon no longer needs (after its app was deleted). */
  release(leaf: string): void {
    const scope = this.mine.get(leaf);
    this.mine.delete(leaf);
    scope?.release();
  }

  /** Kills what a previous daemon left under `base` (cgroups this one did not make); returns those. */
  killLeftovers(): CgroupScope[] {
    let names: string[];
    try {
      names = readdirSync(this.base, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return [];
    }
    const killed: CgroupScope[] = [];
    for (const name of names) {
      if (this.mine.has(name)) continue;
      const scope = new CgroupScope(join(this.base, name), this);
      if (scope.alive()) {
        scope.kill();
        killed.push(scope);
      } else {
        scope.release();
      }
    }
    return killed;
  }

  /** Removes every empty leaf and the base (at shutdown). */
  close(): void {
    for (const s of this.mine.values()) s.release();
    this.mine.clear();
    try {
      rmdirSync(this.base);
    } catch {
      // Still holds a leftover cgroup (an unkillable process): the next daemon deals with it.
    }
  }

  /** Moves this process back to its own cgroup after a spawn. */
  comeHome(): void {
    try {
      writeFileSync(join(this.home, 'cgroup.procs'), '0');
    } catch (err) {
      this.stranded = `cannot move the daemon back to ${this.home}: ${(err as Error).message}`;
    }
  }
}

/** A cgroup as a run's process scope. */
export class CgroupScope implements ProcessScope {
  readonly label: string;

  /** `canKill`: cgroup.kill exists (Linux 5.14+); otherwise kill() freezes and kills pid by pid. */
  constructor(
    readonly path: string,
    private readonly tree: Pick<CgroupTree, 'stranded' | 'comeHome'>,
    private readonly canKill = existsSync(join(path, 'cgroup.kill')),
  ) {
    this.label = `cgroup ${path}`;
  }

  /**
   * Runs `spawn` with this process inside the cgroup, so the child is born there. When the cgroup
   * cannot be entered, `spawn` runs outside it and `inside` is false (the caller falls back).
   */
  spawnInside<T>(spawn: () => T): { value: T; inside: true } | { value: T; inside: false; why: string } {
    try {
      writeFileSync(join(this.path, 'cgroup.procs'), '0');
    } catch (err) {
      return { value: spawn(), inside: false, why: `cannot enter ${this.path}: ${(err as Error).message}` };
    }
    try {
      return { value: spawn(), inside: true };
    } finally {
      this.tree.comeHome();
    }
  }

  pids(): number[] {
    try {
      return readFileSync(join(this.path, 'cgroup.procs'), 'latin1').split('\n').filter((s) => s !== '').map(Number);
    } catch {
      return [];
    }
  }

  signal(signal: NodeJS.Signals): void {
    for (const pid of this.pids()) killPid(pid, signal);
  }

  kill(): void {
    if (this.canKill && this.tree.stranded === null) {
      writeFileSync(join(this.path, 'cgroup.kill'), '1');
      return;
    }
    // Before Linux 5.14 (or with the daemon stuck inside): freeze, so nothing forks while we kill.
    const frozen = this.write('cgroup.freeze', '1');
    for (let round = 0; round < 10; round++) {
      const pids = this.pids().filter((p) => p !== process.pid);
      if (pids.length === 0) break;
      for (const pid of pids) killPid(pid, 'SIGKILL');
    }
    if (frozen) this.write('cgroup.freeze', '0');
  }

  alive(): boolean {
    try {
      return /^populated 1$/m.test(readFileSync(join(this.path, 'cgroup.events'), 'latin1'));
    } catch {
      return false; // removed
    }
  }

  /** rmdir; fails quietly while a process is still inside. */
  release(): void {
    try {
      rmdirSync(this.path);
    } catch {
      // EBUSY: the next daemon's killLeftovers() or scope() ends what is inside.
    }
  }

  private write(file: string, value: string): boolean {
    try {
      writeFileSync(join(this.path, file), value);
      return true;
    } catch {
      return false;
    }
  }
}

/** A recorded cgroup path from the orphan registry, if it has the shape only bulwark makes. */
export function recordedScope(path: string): CgroupScope | null {
  if (!BULWARK_LEAF.test(path) || !existsSync(join(path, 'cgroup.procs'))) return null;
  return new CgroupScope(path, { stranded: null, comeHome: () => {} });
}

/** The leaf name of an instance's cgroup: `@` is not allowed in app names, so no two collide. */
export function leafName(app: string, index: number): string {
  return `${app}@${index}`;
}

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone
  }
}
