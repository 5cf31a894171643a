// Email channel: nodemailer over SMTP (STARTTLS when offered) or SMTPS; plain text plus a short HTML body.
// The password comes only from ${ENV} in the URL (expanded at config load) and never appears in messages.
import type { Transporter } from 'nodemailer';
import type { Alert } from '../alert.js';
import type { ChannelConfig } from '../../config/schema/index.js';
import type { AlertChannel } from './channel.js';
import { alertHtml, alertText, alertTitle } from '../render.js';
import { AlertError, errorMessage } from '../errors.js';
import { withTimeout } from '../timeout.js';

type EmailConfig = Extract<ChannelConfig, { type: 'email' }>;

export interface SmtpTarget {
  secure: boolean;
  host: string;
  port: number;
  user?: string;
  pass?: string;
}

export function parseSmtpUrl(url: string): SmtpTarget {
  let u: URL;
  try { u = new URL(url); } catch { throw new AlertError('EALERT_CONFIG', `email: cannot parse the smtp URL ${redactSmtpUrl(url)}`); }
  const secure = u.protocol === 'smtps:';
  if (!secure && u.protocol !== 'smtp:') throw new AlertError('EALERT_CONFIG', `email: expected smtp:// or smtps://, got ${u.protocol}`);
  const t: SmtpTarget = { secure, host: u.hostname, port: u.port ? Number(u.port) : secure ? 465 : 587 };
  if (u.username) t.user = decodeURIComponent(u.username);
  if (u.password) t.pass = decodeURIComponent(u.password);
  return t;
}

/** The URL with its password replaced, safe for logs and `status`. */
export function redactSmtpUrl(url: string): string {
  return url.replace(/^(smtps?:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

export class EmailChannel implements AlertChannel {
  readonly type = 'email';
  private readonly target: SmtpTarget;
  /** Created on the first send: nodemailer costs ~5 MB, paid only by daemons that email. */
  private transport: Transporter | null = null;
  private readonly from: string;

  constructor(readonly name: string, private readonly cfg: EmailConfig, hostname: string) {
    this.target = parseSmtpUrl(cfg.smtp);
    this.from = cfg.from ?? `bulwark@${hostname}`;
  }

  private async connect(): Promise<Transporter> {
    const { default: nodemailer } = await import('nodemailer');
    const t = this.cfg.timeout;
    this.transport ??= nodemailer.createTransport({
      host: this.target.host, port: this.target.port, secure: this.target.secure,
      ...(this.target.user ? { auth: { user: this.target.user, pass: this.target.pass ?? '' } } : {}),
      connectionTimeout: t, greetingTimeout: t, socketTimeout: t,
      logger: false, debug: false,
    });
    return this.transport;
  }

  async send(a: Alert): Promise<void> {
    try {
      const transport = await this.connect();
      await withTimeout(transport.sendMail({
        from: this.from, to: this.cfg.to, subject: alertTitle(a).slice(0, 200),
        text: alertText(a), html: alertHtml(a),
        headers: { 'X-Bulwark-Alert-Id': a.id },
        messageId: `<${a.id}@bulwark>`,
      }), this.cfg.timeout, `email via ${this.where()}`);
    } catch (err) {
      if (err instanceof AlertError) throw err;
      throw new AlertError('EALERT_SEND', `email via ${this.where()}: ${errorMessage(err, this.target.pass)}`);
    }
  }

  async close(): Promise<void> {
    this.transport?.close();
  }

  private where(): string {
    return `${this.target.secure ? 'smtps' : 'smtp'}://${this.target.host}:${this.target.port}`;
  }
}
