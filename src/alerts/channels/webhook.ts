// Webhook channel: one POST with a body Slack and Mattermost incoming webhooks accept ({text}),
// plus the whole alert under `bulwark` for machines. The alert id doubles as an idempotency key.
import type { Alert } from '../alert.js';
import type { ChannelConfig } from '../../config/schema/index.js';
import type { AlertChannel } from './channel.js';
import { alertSlackText } from '../render.js';
import { AlertError } from '../errors.js';
import { stringifySafe } from '../../common/escape.js';

type WebhookConfig = Extract<ChannelConfig, { type: 'webhook' }>;

export function webhookBody(a: Alert): string {
  return stringifySafe({ text: alertSlackText(a), username: 'bulwark', bulwark: a });
}

export class WebhookChannel implements AlertChannel {
  readonly type = 'webhook';
  constructor(readonly name: string, private readonly cfg: WebhookConfig) {
    warmUpFetch();
  }

  async send(a: Alert): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.cfg.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': a.id, 'user-agent': 'bulwark' },
        body: webhookBody(a),
        signal: AbortSignal.timeout(this.cfg.timeout),
      });
    } catch (err) {
      // Webhook URLs are secrets (Slack's carry a token in the path): name only the origin.
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') throw new AlertError('EALERT_TIMEOUT', `webhook ${this.origin()} timed out after ${this.cfg.timeout}ms`);
      throw new AlertError('EALERT_SEND', `webhook ${this.origin()}: ${e.cause?.code ?? e.message}`);
    }
    // Drain the body so the connection is released; its text helps when the receiver says why.
    const text = await res.text().catch(() => '');
    if (!res.ok) throw new AlertError('EALERT_HTTP', `webhook ${this.origin()} answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
  }

  private origin(): string {
    try { return new URL(this.cfg.url).origin; } catch { return '(invalid url)'; }
  }
}

let warmed = false;
/** Node loads and compiles fetch on first use (~100 ms on a busy host): pay it at startup, not on the first crash. */
function warmUpFetch(): void {
  if (warmed) return;
  warmed = true;
  fetch('data:,').then((r) => r.arrayBuffer(), () => undefined).catch(() => undefined);
}
