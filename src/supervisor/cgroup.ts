// Each app instance runs in its own cgroup v2, so a stop reaches every process it started, even
// one that called setsid: a daemonizing grandchild leaves the process group, never the cgroup.
//
// Layout: <the daemon's own cgroup>/bulwark-<hash of the state dir>/<app>@<instance>. Under
// systemd the generated unit sets Delegate=yes, which makes the daemon's cgroup its own to divide;
// elsewhere it is the cgroup the daemon was started in. No controller is enabled (cgroup.kill and
// cgroup.freeze are core files), so the daemon may stay in its cgroup beside its apps' ones.
//
// A child is moved into its cgroup right after the spawn, from the thread pool: a move waits for an
// RCU grace period (10-15 ms on a busy 2-core host unless cgroup2 is mounted with favordynmods),
// and neither the event loop nor the app's start may wait for that (Node cannot clone3 straight
// into a cgroup). During a burst of spawns (the spawn gate has callers waiting: `start` of many
// apps) the moves wait until the burst is over: a move holds the lock every fork takes, so moves
// beside forks made each spawn slower (1,000 apps: ~0.5 s of a 5 s start). Whatever the app forked
// before its move is moved after it, as long as it is still its descendant. So a process that
// daemonizes (forks twice, the middle one exits) before the move, in the first milliseconds of
// the app's life or while a burst lasts, escapes; the process group still holds it unless it also
// called setsid.
import { createHash } from 'node:crypto';
import { accessSync, close, closeSync, constants, existsSync, mkdirSync, open, openSync, readdirSync, readFileSync, readSync, rmdirSync, write, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readChildren } from './proc-stat.js';
import type { ProcessScope } from './process-scope.js';
import { spawnGate } from './spawn-gate.js';

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

const BULWARK_LEAF = /\/bulwark-[0-9a-f]{12}\/[A-Za-z0-9._-]{1,64}@\d+(?:~\d+)?$/;

/** The cgroups of one supervisor (one state dir). */
export class CgroupTree {
  /** Leaves created or adopted by this process: anything else under `base` is a previous daemon's. */
  private readonly mine = new Map<string, CgroupScope>();

  private constructor(readonly base: string) {}

  /**
   * The tree for the supervisor whose state lives in `stateDir`, or why none can be made here (no
   * cgroup v2, a read-only /sys/fs/cgroup, a cgroup not delegated to this user). Nothing is created
   * until the first instance needs its cgroup.
   */
  static open(stateDir: string): CgroupTree | string {
    try {
      const home = ownCgroupDir();
      accessSync(home, constants.W_OK);
      // Moving a child out of the daemon's cgroup needs write access to the common ancestor's procs.
      accessSync(join(home, 'cgroup.procs'), constants.W_OK);
      return new CgroupTree(join(home, baseName(stateDir)));
    } catch (err) {
      return (err as Error).message;
    }
  }

  /**
   * The cgroup of one instance (`<app>@<index>`); processes a previous daemon left in it are killed.
   * A leaf that does not exist yet is made by its first adopt(), after a burst of spawns: a mkdir in
   * cgroupfs costs ~0.07 ms, and a start of 1,000 apps made them all before its first spawn.
   */
  scope(leaf: string): CgroupScope {
    let scope = this.mine.get(leaf);
    if (scope === undefined) {
      const path = join(this.base, leaf);
      const exists = existsSync(path);
      scope = new CgroupScope(path, { owned: true, exists });
      this.mine.set(leaf, scope);
      if (exists && scope.alive()) scope.kill();
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
      const scope = new CgroupScope(join(this.base, name));
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
}

const POPULATED = /^populated 1$/m;
/** cgroup.events is two short lines ("populated 0\nfrozen 0\n"). */
const eventsBuffer = Buffer.alloc(256);

/** A cgroup as a run's process scope. */
export class CgroupScope implements ProcessScope {
  readonly label: string;
  /** cgroup.events of a leaf this daemon owns, open from its first alive() until release(), else null. */
  private eventsFd: number | null = null;
  private owned: boolean;
  private exists: boolean;
  /** Whether cgroup.kill exists (Linux 5.14+; otherwise kill() freezes and kills pid by pid): asked at the first kill. */
  private canKill: boolean | undefined;
  /** Released: a late adopt() must not make the directory again. */
  private released = false;

  /**
   * `owned`: a leaf this daemon made or adopted, asked often (every respawn and stop asks whether
   * anything is left): its cgroup.events stays open once asked, so alive() is one pread. Opening a
   * cgroupfs file costs 0.1-0.2 ms, reading an open one microseconds; not opened before the first
   * ask, since every open descriptor is one more the kernel closes in each child's exec.
   * `exists`: false for a leaf the first adopt() makes (until then it holds nothing: alive() is false).
   */
  constructor(readonly path: string, opts: { owned?: boolean; exists?: boolean; canKill?: boolean } = {}) {
    this.label = `cgroup ${path}`;
    this.owned = opts.owned ?? false;
    this.exists = opts.exists ?? true;
    this.canKill = opts.canKill;
  }

  /**
   * Moves a just-spawned process into the cgroup, then what it forked meanwhile (off the event
   * loop). Resolves with why the process could not be moved, or null.
   */
  async adopt(pid: number): Promise<string | null> {
    await spawnGate.idle(); // after a burst of spawns (see the header)
    return inMoveSlot(() => this.move(pid));
  }

  private async move(pid: number): Promise<string | null> {
    const procs = join(this.path, 'cgroup.procs');
    if (this.released) return null; // its app is gone, and so is the leaf
    try {
      if (!this.exists) {
        mkdirSync(this.path, { recursive: true }); // in the same turn as the spawn when no burst waits: the move must not lag
        this.exists = true;
      }
      await writeSmall(procs, String(pid));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ESRCH' ? null : `cannot move pid ${pid} into ${this.path}: ${(err as Error).message}`;
    }
    const early = descendants(pid);
    for (const child of early) await writeSmall(procs, String(child)).catch(() => undefined); // gone meanwhile
    return null;
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
    this.canKill ??= existsSync(join(this.path, 'cgroup.kill'));
    if (this.canKill) {
      writeFileSync(join(this.path, 'cgroup.kill'), '1');
      return;
    }
    // Before Linux 5.14: freeze, so nothing forks while we kill.
    const frozen = this.write('cgroup.freeze', '1');
    for (let round = 0; round < 10; round++) {
      const pids = this.pids();
      if (pids.length === 0) break;
      for (const pid of pids) killPid(pid, 'SIGKILL');
    }
    if (frozen) this.write('cgroup.freeze', '0');
  }

  alive(): boolean {
    try {
      if (this.eventsFd === null && this.owned) this.eventsFd = openSync(join(this.path, 'cgroup.events'), 'r');
      if (this.eventsFd === null) return POPULATED.test(readFileSync(join(this.path, 'cgroup.events'), 'latin1'));
      const n = readSync(this.eventsFd, eventsBuffer, 0, eventsBuffer.length, 0);
      return POPULATED.test(eventsBuffer.toString('latin1', 0, n));
    } catch {
      return false; // removed
    }
  }

  /** rmdir; fails quietly while a process is still inside. */
  release(): void {
    this.owned = false;
    this.released = true;
    if (this.eventsFd !== null) {
      closeSync(this.eventsFd);
      this.eventsFd = null;
    }
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
  return new CgroupScope(path);
}

/**
 * The leaf name of an instance's cgroup, `<app>@<index>`: `@` is not allowed in app names, so no
 * two collide. A reload runs a new process for an index beside the old one: each such generation
 * gets `~<n>` (`web@0~1`), so stopping the old one's cgroup never touches the new one.
 */
export function leafName(app: string, index: number, generation = 0): string {
  return `${app}@${index}${generation === 0 ? '' : `~${generation}`}`;
}

/**
 * Moves in flight at once: the thread pool's size. After a burst of 1,000 spawns the moves queue
 * here, not as 3,000 requests at once in the pool (whose peak stayed in the daemon's memory).
 */
const MOVES_AT_ONCE = 4;
let moving = 0;
const movesWaiting: (() => void)[] = [];

async function inMoveSlot<T>(move: () => Promise<T>): Promise<T> {
  if (moving < MOVES_AT_ONCE) moving++;
  else await new Promise<void>((resolve) => movesWaiting.push(resolve)); // handed a slot
  try {
    return await move();
  } finally {
    const next = movesWaiting.shift();
    if (next !== undefined) next(); // the slot passes on
    else moving--;
  }
}

/**
 * One short write to a cgroup file off the event loop: open, write, close with callbacks. fs/promises'
 * writeFile builds a FileHandle and a chain of promises around the same three calls: ~100-130 us of
 * CPU per write against ~50 here, once per spawn.
 */
function writeSmall(path: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    open(path, 'w', (err, fd) => {
      if (err) return reject(err);
      write(fd, data, (werr) => close(fd, (cerr) => (werr ?? cerr ? reject(werr ?? cerr) : resolve())));
    });
  });
}

/** Every descendant of `pid` (children of its main thread, recursively; bounded). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = readChildren(pid);
  while (queue.length > 0 && out.length < 1024) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...readChildren(p));
  }
  return out;
}

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone
  }
}
