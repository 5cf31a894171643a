// zod types for the config's human units; each turns its string into a number and says what was expected.
import { z } from 'zod';
import { parseDuration, parsePercent, parseSize } from '../../common/units.js';

function unit(parse: (v: string | number) => number | undefined, expected: string) {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    const n = parse(v);
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  });
}

/** "500ms" | "10s" | "5m" | "1h" | number of ms -> ms */
export const duration = unit(parseDuration, 'a duration like 500ms, 10s, 5m or 1h');
/** "512MB" | "10MB" | number of bytes -> bytes */
export const size = unit(parseSize, 'a size like 512KB, 10MB or 1GB');
/** "95%" | 95 -> 95 */
export const percent = unit(parsePercent, 'a percentage like 95%');
