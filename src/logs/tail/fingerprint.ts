// A file's identity beyond (device, inode): its first bytes. Inode numbers are reused after a
// delete, and a copytruncate copy has a new inode but the same first bytes as the original.
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';

export const FINGERPRINT_BYTES = 256;

export function fingerprint(head: Buffer, len: number): string {
  return createHash('sha256').update(head.subarray(0, len)).digest('hex').slice(0, 32);
}

/** Reads up to FINGERPRINT_BYTES from the start of fd into buf; returns how many were read. */
export function readHead(fd: number, buf: Buffer): number {
  return readSync(fd, buf, 0, FINGERPRINT_BYTES, 0);
}
