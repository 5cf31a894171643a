// How an alert reads to a human: one title line, a few detail lines; plain, Slack-safe and HTML variants.
// Reasons and details carry attacker text (ip, user, line, messages built from them): every value
// goes through src/common/escape.ts here, the one place alerts become text.
import type { Alert } from './alert.js';
import { escapeChat, escapeHtml, escapeText } from '../common/escape.js';

/** "[bulwark] web1/api crash: exited with code 1" (escaped: one line whatever the reason holds) */
export function alertTitle(a: Alert): string {
  const what = a.kind === 'security' ? `security ${a.securityKind ?? ''}`.trim() : a.kind;
  const where = a.app ? `${a.host}/${a.app}` : a.host;
  return escapeText(`[bulwark] ${where} ${what}${a.heldBack ? ' (summary)' : ''}: ${a.reason}`);
}

/** Detail lines (label, value) in reading order; only what the alert has; values escaped. */
export function alertDetails(a: Alert): [string, string][] {
  return rawDetails(a).map(([k, v]) => [k, escapeText(v)]);
}

function rawDetails(a: Alert): [string, string][] {
  const d: [string, string][] = [['time', a.at], ['host', a.host]];
  if (a.app) d.push(['app', a.app]);
  if (a.instance !== undefined) d.push(['instance', String(a.instance)]);
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

// Slack and Mattermost read <...> as links and mentions (<!channel>): escapeChat keeps a log line inert.
export function alertSlackText(a: Alert): string {
  const lines = [`*${escapeChat(alertTitle(a))}*`];
  for (const [k, v] of alertDetails(a)) if (k !== 'time' && k !== 'host' && k !== 'alert id') lines.push(`${k}: ${escapeChat(v)}`);
  return lines.join('\n');
}

export function alertHtml(a: Alert): string {
  const rows = alertDetails(a).map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`).join('');
  return `<p><strong>${escapeHtml(alertTitle(a))}</strong></p><table>${rows}</table>`;
}
