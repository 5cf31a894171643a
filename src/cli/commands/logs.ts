// `bulwark logs [name] [-n N] [-f] [--json] [--timestamps]`: the captured stdout/stderr in
// $BULWARK_HOME/logs, read directly (so it works even when the daemon is down), following across
// rotation with -f. Times come from each file's time index: when the daemon read the line.
import { existsSync, readdirSync } from 'node:fs';
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import { homePaths } from '../../daemon/paths.js';
import { checkHomeDir } from '../../daemon/home-guard.js';
import { CAPTURE_STREAMS, captureFile, capturedApps, capturedInstances, timesFileFor, type CaptureStream } from '../../common/capture-files.js';
import { CaptureTimes } from '../../supervisor/capture-times.js';
import { followFile } from '../follow-file.js';
import { eachLine, formatLine, lastLines, type CaptureSource } from '../captured-lines.js';
import { unknownName, wholeNumber } from '../checks.js';
import { untilInterrupted } from '../interrupt.js';
import { tableAppNames } from '../app-names.js';

interface Args { name?: string; lines: number; follow?: boolean; err?: boolean; out?: boolean; raw?: boolean; json?: boolean; timestamps?: boolean }

const logs: BulwarkCommand<Args> = {
  command: 'logs [name]',
  describe: "show an app's captured stdout/stderr (all apps without a name)",
  builder: (y) => y
    .positional('name', { type: 'string', describe: 'one app' })
    .option('lines', { alias: 'n', type: 'number', default: 20, describe: 'how many past lines per stream' })
    .option('follow', { alias: 'f', type: 'boolean', describe: 'keep printing new lines (follows rotation)' })
    .option('err', { type: 'boolean', describe: 'stderr only' })
    .option('out', { type: 'boolean', describe: 'stdout only' })
    .option('raw', { type: 'boolean', describe: 'no "app|stream" prefix' })
    .option('timestamps', { alias: ['timestamp', 'time'], type: 'boolean', describe: 'prefix each line with the time bulwark read it (PM2: --timestamp)' })
    .option('json', { type: 'boolean', describe: 'one JSON object per line: time, app, stream, line' })
    .check(wholeNumber('lines', '-n')),
  run: async (argv, io) => {
    const { home, logsDir, stateDir } = homePaths();
    checkHomeDir(home); // read only from a home no one else could have filled
    const known = capturedApps(logsDir);
    // An app's capture files appear with its first line: one that printed nothing yet is still known.
    if (argv.name !== undefined && !known.includes(argv.name) && !tableAppNames(stateDir).includes(argv.name)) return unknownName(io, 'app', argv.name, known);
    const streams: readonly CaptureStream[] = argv.err ? ['err'] : argv.out ? ['out'] : CAPTURE_STREAMS;
    const timed = Boolean(argv.json || argv.timestamps);
    // Instance 0 writes <app>.out.log, instance N <app>@N.out.log, shown as "app@N" (docs/cluster.md).
    const names = existsSync(logsDir) ? readdirSync(logsDir) : [];
    const instancesOf = (app: string) => { const found = capturedInstances(names, app); return found.length > 0 ? found : [0]; };
    const sources: CaptureSource[] = (argv.name !== undefined ? [argv.name] : known).flatMap((app) => instancesOf(app).flatMap((i) => streams.map((stream) => {
      const path = captureFile(logsDir, app, stream, i);
      return { app: i === 0 ? app : `${app}@${i}`, stream, path, times: timed ? new CaptureTimes(timesFileFor(path)) : null };
    })));
    const interrupted = argv.follow ? untilInterrupted() : undefined; // before any output: Ctrl-C may come at once
    const offsets = new Map<string, number>();
    for (const src of sources) {
      if (!existsSync(src.path)) continue;
      const { lines, size } = lastLines(src.path, argv.lines);
      offsets.set(src.path, size);
      for (const l of lines) io.out(formatLine(src, l.text, l.offset, argv));
    }
    if (!interrupted) return EXIT.OK;
    const followers = sources.map((src) => followFile(src.path, offsets.get(src.path) ?? 0, (text, start) => {
      src.times?.refresh();
      eachLine(text, start, (line, offset) => io.out(formatLine(src, line, offset, argv)));
    }));
    await interrupted;
    for (const f of followers) f.stop();
    return EXIT.OK;
  },
};
export default logs;
