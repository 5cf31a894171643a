// The record of live runs (process group, and cgroup where there is one), kept in stateDir so a
// daemon that was SIGKILLed (and could not stop its apps) lets the next daemon end them.
// Rewritten atomically after spawns and exits, off the event loop and without fsync: the file
// guards against a crash of the daemon, and after a power loss no process is left to reap, so an
// fsync would buy nothing and cost the restart path milliseconds. Writes are coalesced: the first
// change arms a write WRITE_AFTER_MS later, which carries every change made until it starts, and
// changes made while one is in flight go out in the next.
import { mkdirSync } from 'node:fs';
import { readPrivateFile } from '../common/private-file.js';
import { join } from 'node:path';
import { writeFileAtomicAsync } from '../common/atomic-file.js';
import { recordedScope } from './cgroup.js';
import { listGroupMembers, readProcStat } from './proc-stat.js';
import { GroupScope, signalGroup } from './process-group.js';
import type { ProcessScope } from './process-scope.js';

/**
 * A second: a crash loop rewrites the file once a second, not on every restart, and a restart's
 * write does not run beside the new process's boot. A rewrite is four trips through the thread
 * pool: ~0.4 ms of the daemon's CPU per restart (2026-12-05, 2 cores, all threads 5.0 -> 4.5 ms a
 * restart without it), and on two cores the new process boots beside it. A daemon SIGKILLed within
 * that second leaves its newest runs unrecorded: their cgroups still hold them (the next daemon
 * kills what it finds under its own cgroup), and under systemd KillMode=mixed.
 */
const WRITE_AFTER_MS = 1000;

export interface GroupRecord {
  /** The run's key: `<app>@<instance>` (older files: the app name). */
  app: string;
  pgid: number;
  pid: number;
  /** /proc/<pid>/stat field 22 of the leader at spawn: a recycled pid has another. */
  startTime: number;
  /** The run's cgroup, when it had one: everything in it is the run's, whatever its group. */
  cgroup?: string;
}

export class GroupRegistry {
  private readonly file: string;
  private readonly groups = new Map<string, GroupRecord>();
  /** What the previous daemon left, kept in the file until reaped (so an early spawn cannot erase it). */
  private previous: GroupRecord[];
  private writing: Promise<void> | null = null;
  /** The armed write, until it starts: flushed() starts it at once. */
  private armed: { timer: NodeJS.Timeout; start: () => void } | null = null;
  private dirty = false;
  /** Callers waiting for the write that will carry their change. */
  private waiters: ((problem: string | null) => void)[] = [];

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.file = join(stateDir, 'process-groups.json');
    try {
      this.previous = JSON.parse(readPrivateFile(this.file) ?? '[]') as GroupRecord[]; // only our own 0600 file decides what is killed
    } catch {
      this.previous = [];
    }
  }

  /** Resolves once saved, with why it could not be saved or null. Never rejects: supervision goes on. */
  record(g: GroupRecord): Promise<string | null> {
    this.groups.set(g.app, g);
    return this.persist();
  }

  forget(key: string, pgid: number): Promise<string | null> {
    if (this.groups.get(key)?.pgid !== pgid) return Promise.resolve(null);
    this.groups.delete(key);
    return this.persist();
  }

  /** Resolves once every change made so far is on disk (an armed write starts now). */
  async flushed(): Promise<void> {
    if (this.armed !== null) {
      clearTimeout(this.armed.timer);
      this.armed.start();
    }
    while (this.writing !== null) await this.writing;
  }

  /**
   * Ends what a previous daemon left (SIGKILL): a recorded cgroup whole; a process group only if
   * its leader is alive with the recorded start time, or (leader gone) its members started no
   * earlier than the leader did; anything else is a recycled id and is left alone. Returns one
   * scope per record it killed, to wait on.
   */
  reapPrevious(): ProcessScope[] {
    const previous = this.previous;
    this.previous = [];
    const inUse = new Set([...this.groups.values()].map((g) => g.cgroup));
    const killed: ProcessScope[] = [];
    for (const g of previous) {
      if (this.groups.get(g.app)?.pgid === g.pgid) continue; // started by this daemon
      const cgroup = g.cgroup !== undefined && !inUse.has(g.cgroup) ? recordedScope(g.cgroup) : null;
      const group = isSameGroup(g);
      if (group) signalGroup(g.pgid, 'SIGKILL');
      if (cgroup?.alive()) {
        cgroup.kill();
        killed.push(cgroup);
      } else if (group) {
        killed.push(new GroupScope(g.pgid));
      }
    }
    void this.persist();
    return killed;
  }

  private persist(): Promise<string | null> {
    this.dirty = true;
    const saved = new Promise<string | null>((resolve) => this.waiters.push(resolve));
    this.writing ??= new Promise<void>((resolve) => {
      const start = () => {
        this.armed = null;
        void this.drain().then(resolve);
      };
      this.armed = { timer: setTimeout(start, WRITE_AFTER_MS), start };
    });
    return saved;
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const waiters = this.waiters;
      this.waiters = [];
      let problem: string | null = null;
      try {
        await writeFileAtomicAsync(this.file, JSON.stringify([...this.groups.values(), ...this.previous]), { fsync: false });
      } catch (err) {
        problem = `cannot save ${this.file} (orphan cleanup after a daemon crash): ${(err as Error).message}`;
      }
      for (const w of waiters) w(problem);
    }
    this.writing = null;
  }
}

function isSameGroup(g: GroupRecord): boolean {
  const leader = readProcStat(g.pid);
  if (leader !== null && leader.state !== 'Z') return leader.startTime === g.startTime && leader.pgrp === g.pgid;
  const members = listGroupMembers(g.pgid);
  return members.length > 0 && members.every((m) => m.startTime >= g.startTime && m.session === g.pgid);
}
