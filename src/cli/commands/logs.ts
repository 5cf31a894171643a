// `bulwark logs [name] [-n N] [-f]`: the captured stdout/stderr in $BULWARK_HOME/logs, read directly
// (so it works even when the daemon is down), following across rotation with -f.
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { appsWithCaptures, captureFile, type CaptureStream } from '../../common/capture-files.js';
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import { homePaths } from '../../daemon/paths.js';
import { followFile } from '../follow-file.js';

interface Args { name?: string; lines: number; follow?: boolean; err?: boolean; out?: boolean; raw?: boolean }

const logs: BulwarkCommand<Args> = {
  command: 'logs [name]',
  describe: "show an app's captured stdout/stderr (all apps without a name)",
  builder: (y) => y
    .positional('name', { type: 'string', describe: 'one app' })
    .option('lines', { alias: 'n', type: 'number', default: 20, describe: 'how many past lines per stream' })
    .option('follow', { alias: 'f', type: 'boolean', describe: 'keep printing new lines (follows rotation)' })
    .option('err', { type: 'boolean', describe: 'stderr only' })
    .option('out', { type: 'boolean', describe: 'stdout only' })
    .option('raw', { type: 'boolean', describe: 'no "app|stream" prefix' }),
  run: async (argv, io) => {
    const { logsDir } = homePaths();
    const streams: CaptureStream[] = argv.err ? ['err'] : argv.out ? ['out'] : ['out', 'err'];
    const apps = argv.name ? [argv.name] : appsIn(logsDir);
    const files = apps.flatMap((app) => streams.map((s) => ({ app, s, path: captureFile(logsDir, app, s) })));
    const present = files.filter((f) => existsSync(f.path));
    if (argv.name && present.length === 0) { io.err(`bulwark logs: no captured output for ${JSON.stringify(argv.name)} in ${logsDir}`); return EXIT.FAILURE; }
    const prefix = (f: { app: string; s: string }) => (argv.raw ? '' : `${f.app}|${f.s} `);
    const offsets = new Map<string, number>();
    for (const f of present) {
      const { text, size } = lastLines(f.path, argv.lines);
      offsets.set(f.path, size);
      for (const line of text) io.out(prefix(f) + line);
    }
    if (!argv.follow) return EXIT.OK;
    const followers = files.map((f) => followFile(f.path, offsets.get(f.path) ?? 0, (text) => {
      for (const line of text.slice(0, -1).split('\n')) io.out(prefix(f) + line);
    }));
    await new Promise<void>((resolve) => process.once('SIGINT', resolve));
    for (const fl of followers) fl.stop();
    return EXIT.OK;
  },
};

function appsIn(dir: string): string[] {
  return existsSync(dir) ? appsWithCaptures(readdirSync(dir)) : [];
}

/** The last n lines of a file, reading backwards from the end in blocks. */
function lastLines(path: string, n: number): { text: string[]; size: number } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (n <= 0) return { text: [], size };
    let pos = size;
    let acc = Buffer.alloc(0);
    while (pos > 0) {
      const len = Math.min(64 * 1024, pos);
      pos -= len;
      const chunk = Buffer.alloc(len);
      readSync(fd, chunk, 0, len, pos);
      acc = Buffer.concat([chunk, acc]);
      if (acc.toString('utf8').split('\n').length > n + 1) break;
    }
    const lines = acc.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return { text: lines.slice(-n), size };
  } finally {
    closeSync(fd);
  }
}
export default logs;
