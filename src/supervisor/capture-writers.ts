// The files one app's output is written to: bulwark's capture file per stream (what detection and
// `bulwark logs` read) and the copies `logs.copyTo` asks for. A path shared by several streams
// (out_file equal to error_file, a combined log) is one file, so rotation never splits it.
import { resolve } from 'node:path';
import { captureCopies, captureFile, type CaptureStream } from '../common/capture-files.js';
import type { AppConfig } from '../config/schema/index.js';
import { RotatingLogFile } from './rotating-log-file.js';

/** Where whole lines go: buf[start, end), ending at a line boundary. */
export interface LineSink {
  write(buf: Uint8Array, start?: number, end?: number): void;
}

export interface CaptureWriters {
  stdout: LineSink;
  stderr: LineSink;
  /** Copies that could not be opened (the capture itself works): one message each. */
  problems: string[];
  close(): void;
}

/** Opens the capture files (throws if bulwark's own cannot be opened) and every copy it can. */
export function openCaptureWriters(app: AppConfig, logsDir: string): CaptureWriters {
  const files = new Map<string, RotatingLogFile>();
  const problems: string[] = [];
  const open = (path: string, required: boolean): RotatingLogFile | undefined => {
    let file = files.get(path);
    if (file !== undefined) return file;
    try {
      // bulwark's own capture files (required) keep a time index for `logs --timestamps`; copies do not.
      file = new RotatingLogFile(path, app.logs.rotate, { timeIndex: required });
    } catch (err) {
      if (required) throw err;
      problems.push(`cannot write the copy ${path} (logs.copyTo): ${(err as Error).message}; output is still captured`);
      return undefined;
    }
    files.set(path, file);
    return file;
  };
  const canonical = { out: captureFile(logsDir, app.name, 'out'), err: captureFile(logsDir, app.name, 'err') };
  try {
    const own = { out: open(canonical.out, true)!, err: open(canonical.err, true)! };
    const copies = captureCopies(app.logs.copyTo, resolve(app.cwd ?? process.cwd()), canonical);
    const sink = (stream: CaptureStream): LineSink => {
      const targets = [own[stream], ...copies[stream].flatMap((p) => open(p, false) ?? [])];
      if (targets.length === 1) return targets[0]!;
      return { write: (buf, start, end) => { for (const f of targets) f.write(buf, start, end); } };
    };
    return { stdout: sink('out'), stderr: sink('err'), problems, close: () => { for (const f of files.values()) f.close(); } };
  } catch (err) {
    for (const f of files.values()) f.close();
    throw err;
  }
}
