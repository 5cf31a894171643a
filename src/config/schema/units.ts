// zod types for the config's human units; each turns its string into a number and says what was expected.
import { z } from 'zod';
import { parseDuration, parsePercent, parseSize } from '../../common/units.js';

function unit(parse: (v: string | number) => number | undefined, expected: string, check?: (v: string | number, ctx: z.RefinementCtx) => boolean) {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    if (check !== undefined && !check(v, ctx)) return z.NEVER;
    const n = parse(v);
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  });
}

/** Set while validating a config bulwark itself wrote (durations already numbers of ms). */
let validatedForm = false;

/**
 * Runs a (synchronous) parse of a config that already went through the schema once: the CLI's
 * output sent to the daemon, or the app table. Its durations are numbers of milliseconds, which
 * a file may not use (hasUnit), so they are accepted as such here.
 */
export function parseValidatedForm<T>(parse: () => T): T {
  validatedForm = true;
  try { return parse(); } finally { validatedForm = false; }
}

/** A duration must say its unit: `timeout: 5` would be 5 ms, which is never what was meant. */
function hasUnit(v: string | number, ctx: z.RefinementCtx): boolean {
  if (validatedForm) return true;
  const bare = typeof v === 'number' ? v : /^\s*\d+(?:\.\d+)?\s*$/.test(v) ? Number(v) : undefined;
  if (bare === undefined || bare === 0) return true;
  ctx.addIssue({
    code: 'custom',
    message: `${JSON.stringify(v)} has no unit`,
    params: { hint: `write "${bare}s" (or "${bare}ms", "${bare}m"); durations need a unit: ms, s, m, h or d` },
  });
  return false;
}

/** "500ms" | "10s" | "5m" | "1h" | 0 -> ms */
export const duration = unit(parseDuration, 'a duration like 500ms, 10s, 5m or 1h', hasUnit);
/** "512MB" | "10MB" | number of bytes -> bytes */
export const size = unit(parseSize, 'a size like 512KB, 10MB or 1GB');
/** "95%" | 95 -> 95 */
export const percent = unit(parsePercent, 'a percentage like 95%');
