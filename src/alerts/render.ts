// How an alert reads to a human: one title line, a few detail lines; plain, Slack-safe and HTML variants.
import type { Alert } from './alert.js';

/** "[bulwark] web1/api crash: exited with code 1" */
export function alertTitle(a: Alert): string {
  const what = a.kind === 'security' ? `security ${a.securityKind ?? ''}`.trim() : a.kind;
  const where = a.app ? `${a.host}/${a.app}` : a.host;
  return `[bulwark] ${where} ${what}${a.heldBack ? ' (summary)' : ''}: ${a.reason}`;
}

/** Detail lines (label, value) in reading order; only what the alert has. */
export function alertDetails(a: Alert): [string, string][] {
  const d: [string, string][] = [['time', a.at], ['host', a.host]];
  if (a.app) d.push(['app', a.app]);
  d.push(['kind', a.kind]);
  if (a.probe) d.push(['probe', a.probe]);
  if (a.code !== undefined && a.code !== null) d.push(['exit code', String(a.code)]);
  if (a.signal) d.push(['signal', a.signal]);
  if (a.securityKind) d.push(['detection', a.securityKind]);
  if (a.ip) d.push(['ip', a.ip]);
  if (a.user) d.push(['user', a.user]);
  if (a.rule) d.push(['rule', a.rule]);
  if (a.count !== undefined && a.count > 1) d.push(['count', String(a.count)]);
  if (a.source) d.push(['source', a.source]);
  if (a.endpoint) d.push(['endpoint', a.endpoint]);
  if (a.heldBack) d.push(['held back', String(a.heldBack)]);
  if (a.line) d.push(['line', a.line]);
  d.push(['alert id', a.id]);
  return d;
}

export function alertText(a: Alert): string {
  return `${alertTitle(a)}\n${alertDetails(a).map(([k, v]) => `${k}: ${v}`).join('\n')}\n`;
}

// Slack and Mattermost read <...> as links and mentions (<!channel>); escaping & < > keeps a log line inert.
function slackEscape(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

export function alertSlackText(a: Alert): string {
  const lines = [`*${slackEscape(alertTitle(a))}*`];
  for (const [k, v] of alertDetails(a)) if (k !== 'time' && k !== 'host' && k !== 'alert id') lines.push(`${k}: ${slackEscape(v)}`);
  return lines.join('\n');
}

function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function alertHtml(a: Alert): string {
  const rows = alertDetails(a).map(([k, v]) => `<tr><th align="left">${htmlEscape(k)}</th><td><code>${htmlEscape(v)}</code></td></tr>`).join('');
  return `<p><strong>${htmlEscape(alertTitle(a))}</strong></p><table>${rows}</table>`;
}
