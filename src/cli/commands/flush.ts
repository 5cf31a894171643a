// `bulwark flush [name]` (PM2's flush): empties an app's capture files (all apps without a name).
// Current files are truncated in place (the daemon keeps appending to them, and the log pipeline
// reads a truncation as copytruncate); rotated ones are removed.
import { truncateSync, unlinkSync } from 'node:fs';
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import { homePaths } from '../../daemon/paths.js';
import { captureFilesOf, capturedApps } from '../../common/capture-files.js';
import { unknownName } from '../checks.js';

interface Args { name?: string }

const ROTATED = /\.\d+$/;

const flush: BulwarkCommand<Args> = {
  command: 'flush [name]',
  describe: "empty an app's captured stdout/stderr (all apps without a name)",
  builder: (y) => y.positional('name', { type: 'string', describe: 'one app' }),
  run: async (argv, io) => {
    const { logsDir } = homePaths();
    const known = capturedApps(logsDir);
    if (argv.name !== undefined && !known.includes(argv.name)) return unknownName(io, 'app', argv.name, known);
    const apps = argv.name !== undefined ? [argv.name] : known;
    for (const app of apps) {
      for (const file of captureFilesOf(logsDir, app)) {
        try {
          if (ROTATED.test(file)) unlinkSync(file);
          else truncateSync(file, 0);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // rotated away meanwhile
        }
      }
    }
    io.out(apps.length ? `flushed ${apps.join(', ')}` : 'no captured output');
    return EXIT.OK;
  },
};
export default flush;
