// The CLI's process as commands see it: lines to stdout and stderr, and how an entry's promise
// becomes the exit code. Shared by the two entries (main.ts, and status-main.ts for `status`).
import type { CliIO } from './command.js';
import { quietOnClosedPipe } from './closed-pipe.js';

export const io: CliIO = {
  out: (s) => { process.stdout.write(s.endsWith('\n') ? s : `${s}\n`); },
  err: (s) => { process.stderr.write(s.endsWith('\n') ? s : `${s}\n`); },
};

/** Runs an entry: a closed pipe ends it quietly, its result is the exit code, an error one line. */
export function runEntry(entry: () => Promise<number>): void {
  quietOnClosedPipe();
  entry().then(
    (code) => { process.exitCode = code; },
    (err: Error) => {
      io.err(`bulwark: ${err.message}`);
      process.exitCode = 1;
    },
  );
}
