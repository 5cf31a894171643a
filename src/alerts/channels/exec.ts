// Exec channel: runs an argv (no shell, so nothing in an alert can become a command), hands it the
// alert JSON on stdin, kills it (and its process group) after the timeout, and requires exit 0.
import { spawn } from 'node:child_process';
import type { Alert } from '../alert.js';
import type { ChannelConfig } from '../../config/schema/index.js';
import type { AlertChannel } from './channel.js';
import { AlertError } from '../errors.js';
import { stringifySafe } from '../../common/escape.js';

type ExecConfig = Extract<ChannelConfig, { type: 'exec' }>;

const STDERR_KEEP = 500;

export class ExecChannel implements AlertChannel {
  readonly type = 'exec';
  constructor(readonly name: string, private readonly cfg: ExecConfig) {}

  send(a: Alert): Promise<void> {
    const [file, ...args] = this.cfg.command as [string, ...string[]];
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        shell: false,
        detached: true, // its own process group, so a timeout kills what it started too
        stdio: ['pipe', 'ignore', 'pipe'],
        env: {
          ...process.env,
          BULWARK_ALERT_ID: a.id, BULWARK_ALERT_KIND: a.kind, BULWARK_ALERT_APP: a.app ?? '', BULWARK_ALERT_HOST: a.host,
        },
      });
      let stderr = '';
      let timedOut = false;
      child.stderr!.setEncoding('utf8').on('data', (s: string) => { if (stderr.length < STDERR_KEEP) stderr += s; });
      // A command that ignores stdin closes the pipe early: that is its business, not a failure.
      child.stdin!.on('error', () => {});
      child.stdin!.end(`${stringifySafe(a)}\n`);
      const timer = setTimeout(() => {
        timedOut = true;
        try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
      }, this.cfg.timeout);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new AlertError('EALERT_SEND', `exec ${file}: ${err.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) reject(new AlertError('EALERT_TIMEOUT', `exec ${file} timed out after ${this.cfg.timeout}ms`));
        else if (code === 0) resolve();
        else {
          const tail = stderr.trim().slice(0, STDERR_KEEP);
          reject(new AlertError('EALERT_EXIT', `exec ${file} ${signal ? `killed by ${signal}` : `exited with code ${code}`}${tail ? `: ${tail}` : ''}`));
        }
      });
    });
  }
}
