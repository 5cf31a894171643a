// This boot of the machine. State written without fsync survives a crash of our process (it sits
// in the page cache) but maybe not a reboot; a mark recorded with the boot id is trusted only
// while the boot id is the same.
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The kernel's boot id, or '' where there is none (then no boot-scoped mark is ever trusted). */
export function bootId(): string {
  if (cached === undefined) {
    try {
      cached = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cached = '';
    }
  }
  return cached;
}

/** Was `recorded` written during this boot? */
export function sameBoot(recorded: unknown): boolean {
  return typeof recorded === 'string' && recorded !== '' && recorded === bootId();
}
