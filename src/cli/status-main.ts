// The entry bin/bulwark loads for `bulwark status ...`. Bundled into one file of its own
// (scripts/bundle-cli.mjs), a plain `status [name] [--json]` loads that file alone, not the CLI's
// entry and the chunks it shares with other commands: 82 ms against 89 with --json, 83 against 99
// for the table (docs/operating.md). Any other form of `status` goes to the full CLI (main.js).
import { io, runEntry } from './process-io.js';
import { plainStatusArgs } from './status-args.js';
import status from './commands/status.js';

const args = plainStatusArgs(process.argv.slice(2));
if (args === undefined) await import('./main.js');
else runEntry(() => status.run(args, io));
