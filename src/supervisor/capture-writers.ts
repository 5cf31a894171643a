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
  /** The sinks of one instance: its own capture files plus the app's copies (shared by all instances). */
  forInstance(instance: number): { stdout: LineSink; stderr: LineSink };
  /** Closes the capture files of an instance that is gone (scaled down). */
  closeInstance(instance: number): void;
  /** Copies that could not be opened (the capture itself works): one message each. */
  problems: string[];
  close(): void;
}

/**
 * The app's capture files, opened per instance on first use (throws if bulwark's own cannot be
 * opened), and every copy it can open. One RotatingLogFile per path, so instances that share a
 * copy never rotate it twice.
 */
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
  const own = (instance: number) => ({ out: captureFile(logsDir, app.name, 'out', instance), err: captureFile(logsDir, app.name, 'err', instance) });
  const closeAll = () => { for (const f of files.values()) f.close(); files.clear(); };
  try {
    const copies = captureCopies(app.logs.copyTo, resolve(app.cwd ?? process.cwd()), own(0));
    const copyFiles = { out: copies.out.flatMap((p) => open(p, false) ?? []), err: copies.err.flatMap((p) => open(p, false) ?? []) };
    const sink = (path: string, stream: CaptureStream): LineSink => {
      const targets = [open(path, true)!, ...copyFiles[stream]];
      if (targets.length === 1) return targets[0]!;
      return { write: (buf, start, end) => { for (const f of targets) f.write(buf, start, end); } };
    };
    return {
      forInstance: (instance) => {
        const paths = own(instance);
        return { stdout: sink(paths.out, 'out'), stderr: sink(paths.err, 'err') };
      },
      closeInstance: (instance) => {
        if (instance === 0) return;
        for (const path of Object.values(own(instance))) { files.get(path)?.close(); files.delete(path); }
      },
      problems,
      close: closeAll,
    };
  } catch (err) {
    closeAll();
    throw err;
  }
}
