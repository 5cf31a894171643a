// The shape of one CLI command. Each command lives in src/cli/commands/<name>.ts and is loaded
// only when invoked, so `bulwark status` pays for nothing but status.
import type { Argv } from 'yargs';

/** Where a command writes; tests pass their own. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export interface BulwarkCommand<A = Record<string, unknown>> {
  /** yargs command string, e.g. 'scan <file...>'. */
  command: string;
  describe: string;
  builder?: (y: Argv) => Argv;
  /** Returns the process exit code (SPEC: 0 ok, 1 failure, 2 usage, 78 config, 69 daemon unreachable). */
  run(argv: A, io: CliIO): Promise<number>;
}

export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, UNREACHABLE: 69, CONFIG: 78 } as const;
