// Where an app's captured output lives. The one place that names capture files: the supervisor
// writes them, the log pipeline reads them (detection, forwarding), `bulwark logs` shows them.
// $BULWARK_HOME/logs/<app>.out.log and <app>.err.log for instance 0 (created at its first line), and
// <app>@<N>.out.log / .err.log for instance N of an app with `instances` (`@` is not allowed in app
// names, so no two apps' files collide), rotated to .1 .. .<keep>, each beside its time index
// <app>.out.times (when each part was read; named so the capture globs never read it as log text);
// `logs.copyTo` (PM2's out_file, error_file, log_file) adds copies where the user wants them, shared
// by all instances.
import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export type CaptureStream = 'out' | 'err';
export const CAPTURE_STREAMS: readonly CaptureStream[] = ['out', 'err'];

export function captureFile(logsDir: string, app: string, stream: CaptureStream, instance = 0): string {
  return join(logsDir, `${app}${instance === 0 ? '' : `@${instance}`}.${stream}.log`);
}

/** Globs of every capture file, rotated names included (a file renamed before it was first read). */
export function capturePatterns(logsDir: string): string[] {
  return [join(logsDir, '*.out.log*'), join(logsDir, '*.err.log*')];
}

const CAPTURED = /^([^@/]+)(?:@(\d+))?\.(out|err)\.log(?:\.\d+)?$/;

/** The app, instance and stream of a capture file (or one of its rotated names); null for any other file. */
export function parseCaptureFile(path: string): { app: string; instance: number; stream: CaptureStream } | null {
  const m = CAPTURED.exec(basename(path));
  return m ? { app: m[1]!, instance: m[2] === undefined ? 0 : Number(m[2]), stream: m[3] as CaptureStream } : null;
}

/** Apps with a live capture file among these file names. */
export function appsWithCaptures(names: readonly string[]): string[] {
  return [...new Set(names.filter((n) => /\.(out|err)\.log$/.test(n)).flatMap((n) => parseCaptureFile(n)?.app ?? []))].sort();
}

/** The instances of `app` with a live capture file among these file names, ascending (0 first). */
export function capturedInstances(names: readonly string[], app: string): number[] {
  const found = names.flatMap((n) => {
    const f = /\.(out|err)\.log$/.test(n) ? parseCaptureFile(n) : null;
    return f !== null && f.app === app ? [f.instance] : [];
  });
  return [...new Set(found)].sort((a, b) => a - b);
}

/** Apps with a live capture file in the logs dir (none when it does not exist). */
export function capturedApps(logsDir: string): string[] {
  try { return appsWithCaptures(readdirSync(logsDir)); } catch { return []; }
}

/** The time index of a capture file, rotated or not: api.out.log.2 -> api.out.times.2. */
export function timesFileFor(capturePath: string): string {
  return capturePath.replace(/\.log(\.\d+)?$/, '.times$1');
}

/** Every file of one app's capture: current and rotated logs with their time indexes. */
export function captureFilesOf(logsDir: string, app: string): string[] {
  let names: string[];
  try { names = readdirSync(logsDir); } catch { return []; }
  const own = new RegExp(`^${app.replace(/\./g, '\\.')}(@\\d+)?\\.(out|err)\\.(log|times)(\\.\\d+)?$`);
  return names.filter((n) => own.test(n)).map((n) => join(logsDir, n));
}

export interface CaptureCopySettings {
  stdout?: string | undefined;
  stderr?: string | undefined;
  combined?: string | undefined;
}

/** The extra files each stream is also written to (absolute, from the app's cwd), duplicates removed. */
export function captureCopies(copyTo: CaptureCopySettings | undefined, cwd: string, canonical: Record<CaptureStream, string>): Record<CaptureStream, string[]> {
  const at = (p: string | undefined) => (p === undefined ? [] : [resolve(cwd, p)]);
  const pick = (stream: CaptureStream, own: string | undefined) =>
    [...new Set([...at(own), ...at(copyTo?.combined)])].filter((p) => p !== canonical[stream]);
  return { out: pick('out', copyTo?.stdout), err: pick('err', copyTo?.stderr) };
}
