// The files one app's output is written to: bulwark's capture file per stream (what detection and
// `bulwark logs` read) and the copies `logs.copyTo` asks for. A path shared by several streams
// (out_file equal to error_file, a combined log) is one file, so rotation never splits it.
import { resolve } from 'node:path';
import { captureCopies, captureFile, type CaptureStream } from '../common/capture-files.js';
import type { AppConfig } from '../config/schema/index.js';
import type { CaptureFiles } from './output-capture.js';
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
 * The app's capture files, set up per instance on first use and created at their first write (a
 * capture file that cannot be opened then is the write's error), and every copy it can open.
 * One RotatingLogFile per path, so instances that share a copy never rotate it twice.
 */
export function openCaptureWriters(app: AppConfig, logsDir: string): CaptureWriters {
  return new AppCaptureWriters(app, logsDir);
}

/** A class, not closures: one per app of a thousand. */
class AppCaptureWriters implements CaptureWriters {
  readonly problems: string[] = [];
  private readonly files = new Map<string, RotatingLogFile>();
  private readonly copies: Record<CaptureStream, RotatingLogFile[]>;

  constructor(private readonly app: AppConfig, private readonly logsDir: string) {
    try {
      const copies = captureCopies(app.logs.copyTo, resolve(app.cwd ?? process.cwd()), this.own(0));
      this.copies = { out: copies.out.flatMap((p) => this.open(p, false) ?? []), err: copies.err.flatMap((p) => this.open(p, false) ?? []) };
    } catch (err) {
      this.close();
      throw err;
    }
  }

  forInstance(instance: number): { stdout: LineSink; stderr: LineSink } {
    const paths = this.own(instance);
    return { stdout: this.sink(paths.out, 'out'), stderr: this.sink(paths.err, 'err') };
  }

  closeInstance(instance: number): void {
    if (instance === 0) return;
    for (const path of Object.values(this.own(instance))) { this.files.get(path)?.close(); this.files.delete(path); }
  }

  close(): void {
    for (const f of this.files.values()) f.close();
    this.files.clear();
  }

  private own(instance: number): Record<CaptureStream, string> {
    return { out: captureFile(this.logsDir, this.app.name, 'out', instance), err: captureFile(this.logsDir, this.app.name, 'err', instance) };
  }

  private sink(path: string, stream: CaptureStream): LineSink {
    const targets = [this.open(path, true)!, ...this.copies[stream]];
    if (targets.length === 1) return targets[0]!;
    return { write: (buf, start, end) => { for (const f of targets) f.write(buf, start, end); } };
  }

  private open(path: string, required: boolean): RotatingLogFile | undefined {
    let file = this.files.get(path);
    if (file !== undefined) return file;
    try {
      // bulwark's own capture files (required) keep a time index for `logs --timestamps`; copies do
      // not. Ours are created at the first line (most apps of a thousand print little or nothing);
      // a copy is opened now, so a path it cannot have is reported at start, as PM2 would.
      file = new RotatingLogFile(path, this.app.logs.rotate, { timeIndex: required, lazy: required });
    } catch (err) {
      if (required) throw err;
      this.problems.push(`cannot write the copy ${path} (logs.copyTo): ${(err as Error).message}; output is still captured`);
      return undefined;
    }
    this.files.set(path, file);
    return file;
  }
}

/** One app's capture writers, opened when its first run asks for them and shared by all its runs. */
export class CaptureFilesOnDemand {
  private writers: CaptureWriters | null = null;

  constructor(private readonly logsDir: string) {}

  /** The files of `index`'s runs, or why they cannot be opened; `problem` hears each copy that could not be (on open). */
  forInstance(app: AppConfig, index: number, problem: (msg: string) => void): CaptureFiles | string {
    const { logsDir } = this;
    try {
      if (this.writers === null) {
        this.writers = openCaptureWriters(app, logsDir);
        for (const p of this.writers.problems) problem(p);
      }
      const sinks = this.writers.forInstance(index);
      return { out: sinks.stdout, err: sinks.stderr };
    } catch (e) {
      return `cannot open capture files in ${logsDir}: ${(e as Error).message}`;
    }
  }

  closeInstance(index: number): void {
    this.writers?.closeInstance(index);
  }

  close(): void {
    this.writers?.close();
    this.writers = null;
  }
}
