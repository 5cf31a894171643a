// Exec channel: runs an argv (no shell, so nothing in an alert can become a command), hands it the
// alert JSON on stdin, kills it (and its process group) after the timeout, and requires exit 0.
import type { Alert } from '../alert.js';
import type { ChannelConfig } from '../../config/schema/index.js';
import type { AlertChannel } from './channel.js';
import { AlertError } from '../errors.js';
import { describeExit, runArgv } from '../../common/run-argv.js';
import { stringifySafe } from '../../common/escape.js';

type ExecConfig = Extract<ChannelConfig, { type: 'exec' }>;

export class ExecChannel implements AlertChannel {
  readonly type = 'exec';
  constructor(readonly name: string, private readonly cfg: ExecConfig) {}

  async send(a: Alert): Promise<void> {
    const argv = this.cfg.command as [string, ...string[]];
    let r;
    try {
      r = await runArgv(argv, {
        input: `${stringifySafe(a)}\n`,
        timeoutMs: this.cfg.timeout,
        env: {
          ...process.env,
          BULWARK_ALERT_ID: a.id, BULWARK_ALERT_KIND: a.kind, BULWARK_ALERT_APP: a.app ?? '', BULWARK_ALERT_HOST: a.host,
        },
      });
    } catch (err) {
      throw new AlertError('EALERT_SEND', `exec ${argv[0]}: ${(err as Error).message}`);
    }
    if (r.timedOut) throw new AlertError('EALERT_TIMEOUT', `exec ${argv[0]} ${describeExit(r, this.cfg.timeout)}`);
    if (r.code !== 0) throw new AlertError('EALERT_EXIT', `exec ${argv[0]} ${describeExit(r, this.cfg.timeout)}`);
  }
}
