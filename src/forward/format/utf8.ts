// Byte-length limits on strings, cut only on a UTF-8 character boundary.

/** Whether `s` certainly fits in `maxBytes` without measuring it (a UTF-16 unit is at most 3 UTF-8 bytes). */
export function surelyFits(s: string, maxBytes: number): boolean {
  return s.length * 3 <= maxBytes;
}

/** `s` cut to at most `maxBytes` UTF-8 bytes, never inside a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (surelyFits(s, maxBytes)) return s;
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= maxBytes) return s;
  let end = Math.max(0, maxBytes);
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--; // back off continuation bytes
  return buf.toString('utf8', 0, end);
}
