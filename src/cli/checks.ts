// Checks shared by commands: bad values are usage errors (exit 2, through yargs' fail), unknown
// names are failures (exit 1) that list the names that exist.
import type { CliIO } from './command.js';
import { EXIT } from './command.js';

/** A yargs .check(): option `key` (shown as `flag`) must be a whole number >= 0. */
export function wholeNumber(key: string, flag: string) {
  return (argv: Record<string, unknown>): true | string => {
    const v = argv[key];
    return v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 0) ? true : `${flag} takes a whole number (0 or more), e.g. ${flag} 100`;
  };
}

/** `bulwark: no app named "x" (known: a, b)`, exit 1. */
export function unknownName(io: CliIO, what: string, name: string, known: readonly string[]): number {
  io.err(`bulwark: no ${what} named ${JSON.stringify(name)} (${known.length ? `known: ${known.join(', ')}` : `no ${what}s are known`})`);
  return EXIT.FAILURE;
}
