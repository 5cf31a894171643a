// The record of live process groups, kept in stateDir so a daemon that was SIGKILLed (and could
// not stop its apps) lets the next daemon end them. Rewritten atomically on every spawn/exit.
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../common/atomic-file.js';
import { join } from 'node:path';
import { listGroupMembers, readProcStat } from './proc-stat.js';
import { signalGroup } from './process-group.js';

export interface GroupRecord {
  app: string;
  pgid: number;
  pid: number;
  /** /proc/<pid>/stat field 22 of the leader at spawn: a recycled pid has another. */
  startTime: number;
}

export class GroupRegistry {
  private readonly file: string;
  private readonly groups = new Map<string, GroupRecord>();
  /** What the previous daemon left, kept in the file until reaped (so an early spawn cannot erase it). */
  private previous: GroupRecord[];

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.file = join(stateDir, 'process-groups.json');
    try {
      this.previous = JSON.parse(readFileSync(this.file, 'utf8')) as GroupRecord[];
    } catch {
      this.previous = [];
    }
  }

  /** Returns why the record could not be saved, or null. Never throws: supervision goes on. */
  record(g: GroupRecord): string | null {
    this.groups.set(g.app, g);
    return this.persist();
  }

  forget(app: string, pgid: number): string | null {
    if (this.groups.get(app)?.pgid !== pgid) return null;
    this.groups.delete(app);
    return this.persist();
  }

  /**
   * Ends the groups a previous daemon left (SIGKILL to each). A group counts as ours only if its
   * leader is alive with the recorded start time, or (leader gone) its members started no earlier
   * than the leader did; anything else is a recycled id and is left alone. Returns the pgids killed.
   */
  reapPrevious(): number[] {
    const previous = this.previous;
    this.previous = [];
    const killed: number[] = [];
    for (const g of previous) {
      if (this.groups.get(g.app)?.pgid === g.pgid) continue; // started by this daemon
      if (isSameGroup(g)) {
        signalGroup(g.pgid, 'SIGKILL');
        killed.push(g.pgid);
      }
    }
    this.persist();
    return killed;
  }

  private persist(): string | null {
    try {
      writeFileAtomic(this.file, JSON.stringify([...this.groups.values(), ...this.previous]));
      return null;
    } catch (err) {
      return `cannot save ${this.file} (orphan cleanup after a daemon crash): ${(err as Error).message}`;
    }
  }
}

function isSameGroup(g: GroupRecord): boolean {
  const leader = readProcStat(g.pid);
  if (leader !== null && leader.state !== 'Z') return leader.startTime === g.startTime && leader.pgrp === g.pgid;
  const members = listGroupMembers(g.pgid);
  return members.length > 0 && members.every((m) => m.startTime >= g.startTime && m.session === g.pgid);
}
