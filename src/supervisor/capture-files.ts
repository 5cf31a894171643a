// Where an app's captured output lives: logs/<app>.out.log and logs/<app>.err.log (rotated to
// .1 ... .N), each beside its time index logs/<app>.out.times (see capture-times.ts). The time
// index is named so that the capture globs (*.out.log*) never read it as log text.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export type CaptureStream = 'out' | 'err';
export const CAPTURE_STREAMS: readonly CaptureStream[] = ['out', 'err'];

const CAPTURE_NAME = /^(.+)\.(out|err)\.log$/;

export function captureFile(logsDir: string, app: string, stream: CaptureStream): string {
  return join(logsDir, `${app}.${stream}.log`);
}

/** The time index of a capture file, rotated or not: api.out.log.2 -> api.out.times.2. */
export function timesFileFor(capturePath: string): string {
  return capturePath.replace(/\.log(\.\d+)?$/, '.times$1');
}

/** Apps that have capture files, sorted. */
export function capturedApps(logsDir: string): string[] {
  let files: string[];
  try { files = readdirSync(logsDir); } catch { return []; }
  const names = new Set<string>();
  for (const f of files) {
    const m = CAPTURE_NAME.exec(f);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

/** Every file of one app's capture: current and rotated logs with their time indexes. */
export function captureFilesOf(logsDir: string, app: string): string[] {
  let files: string[];
  try { files = readdirSync(logsDir); } catch { return []; }
  const own = new RegExp(`^${app.replace(/[.]/g, '\\.')}\\.(out|err)\\.(log|times)(\\.\\d+)?$`);
  return files.filter((f) => own.test(f)).map((f) => join(logsDir, f));
}
