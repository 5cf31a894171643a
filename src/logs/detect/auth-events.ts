// What the app says happened to an account: login success/failure, account changes, breached passwords.
// Read from the app's event name (JSON event/action) first, then from its message.
import { AuthOutcome, KNOWN_PROGRAMS, type ParsedLine } from '../parse/index.js';

/** Without one of these words a line cannot be an auth or account event (cheap gate). */
const GATE = /log|sign|auth|pass|mail|mfa|2fa|factor|totp|breach|pwned/i;

const EVENT_FAILURE = /(?:log_?in|log_?on|sign_?in|auth[a-z]*)[._:-]?(?:fail[a-z]*|denied|rejected|invalid|error)|(?:fail[a-z]*|invalid|bad)[._:-]?(?:log_?in|log_?on|sign_?in|password|credentials|auth[a-z]*)/;
const EVENT_SUCCESS = /(?:log_?in|log_?on|sign_?in|auth[a-z]*)[._:-]?(?:success[a-z]*|succeeded|ok)|(?:logged|signed)[._:-]?in|^(?:user[._:-])?(?:login|signin|sign_in|logon)$/;
const MESSAGE_FAILURE = /\b(?:log(?:in|on)|sign[- ]?in|auth(?:entication)?)\s+(?:attempt\s+)?(?:failed|failure|denied|rejected|unsuccessful|error)\b|\b(?:failed|unsuccessful|invalid|bad)\s+(?:log(?:in|on)|sign[- ]?in|password|credentials|authentication)\b|\b(?:wrong|incorrect)\s+(?:password|credentials)\b/i;
const MESSAGE_SUCCESS = /\b(?:log(?:in|on)|sign[- ]?in|authentication)\s+(?:succeeded|successful|success|ok)\b|\bsuccessful(?:ly)?\s+(?:log(?:ged)?\s*in|sign(?:ed)?[- ]?in|authenticated|authentication)\b|(?<!\bnot\s)\b(?:logged|signed)\s+in\b/i;

const EVENT_ACCOUNT_CHANGE = /(?:password|passwd|email|e_?mail|mfa|2fa|totp|two_?factor|otp|phone)[._:-]?(?:change[ds]?|update[ds]?|reset_?(?:complete[d]?|done)|enabled?|disabled?|removed?|added)\b|\b(?:change[ds]?|update[ds]?|enabled?|disabled?|removed?)[._:-]?(?:password|passwd|email|e_?mail|mfa|2fa|totp|two_?factor)\b/;
const MESSAGE_ACCOUNT_CHANGE = /\b(?:password|e-?mail(?: address)?|phone(?: number)?|two[- ]factor(?: authentication)?|2fa|mfa|totp)\s+(?:was\s+|has\s+been\s+|successfully\s+)?(?:changed|updated|enabled|disabled|removed)\b|\b(?:changed|updated|disabled|enabled|removed)\s+(?:(?:his|her|their|the|its|account|user)\s+)?(?:password|e-?mail(?: address)?|2fa|mfa|two[- ]factor(?: authentication)?)\b/i;

const EVENT_BREACHED = /breach|pwned/;
const MESSAGE_BREACHED = /\bbreached\s+password\b|\bpassword\s+(?:found\s+)?in\s+(?:a\s+)?(?:data\s+)?breach|\bpwned\s+password\b/i;

/** A login form or API endpoint (used for access-log lines: POST + 401/403 = failed login). */
const LOGIN_PATH = /(?:^|\/)(?:log_?in|sign_?in|sign-in|signin|session|sessions|auth|authenticate|token|wp-login\.php)(?:[/?.]|$)/i;

export const enum AccountSignal { None = 0, AccountChange = 1, BreachedPassword = 2 }

/**
 * Lines whose reader decided the login outcome itself (sshd, FTP and mail daemons, web server error
 * logs, access logs): their text is not searched for "login failed" wording or `from <ip>`.
 */
function readByItsParser(p: ParsedLine): boolean {
  return p.format === 'clf' || p.format === 'vhost' || p.format === 'morgan' || (p.program !== null && KNOWN_PROGRAMS.has(p.program));
}

/** True when ip and user are to be read from the message text (plain text, syslog of other programs). */
export function identityFromText(p: ParsedLine): boolean {
  return (p.format === 'text' || p.format === 'syslog' || p.format === 'journal') && !readByItsParser(p);
}

/** Login outcome of this line. Access-log lines count only as failures: a 200 may be a form re-render. */
export function loginOutcome(p: ParsedLine): AuthOutcome {
  if (p.auth !== AuthOutcome.None) return p.auth;
  if (p.program !== null && KNOWN_PROGRAMS.has(p.program)) return AuthOutcome.None;
  const e = p.event;
  if (e !== null && e.length <= 100) {
    if (EVENT_FAILURE.test(e)) return AuthOutcome.Failure;
    if (EVENT_SUCCESS.test(e)) return AuthOutcome.Success;
  }
  const m = p.message;
  if (p.format !== 'clf' && m !== null && GATE.test(m)) {
    if (MESSAGE_FAILURE.test(m)) return AuthOutcome.Failure;
    if (MESSAGE_SUCCESS.test(m)) return AuthOutcome.Success;
  }
  if (p.url !== null && (p.status === 401 || p.status === 403) && p.method === 'POST') {
    const q = p.url.indexOf('?');
    if (LOGIN_PATH.test(q < 0 ? p.url : p.url.slice(0, q))) return AuthOutcome.Failure;
  }
  return AuthOutcome.None;
}

/** Account changes and breached-password reports, from JSON and text lines (never access logs). */
export function accountSignal(p: ParsedLine): AccountSignal {
  if (readByItsParser(p)) return AccountSignal.None;
  const e = p.event;
  if (e !== null && e.length <= 100) {
    if (EVENT_BREACHED.test(e)) return AccountSignal.BreachedPassword;
    if (EVENT_ACCOUNT_CHANGE.test(e)) return AccountSignal.AccountChange;
  }
  const m = p.message;
  if (m !== null && GATE.test(m)) {
    if (MESSAGE_BREACHED.test(m)) return AccountSignal.BreachedPassword;
    if (MESSAGE_ACCOUNT_CHANGE.test(m)) return AccountSignal.AccountChange;
  }
  return AccountSignal.None;
}

// Gate verdicts for recent messages: most lines repeat a handful of messages ("request completed").
let gateMemo = new Map<string, boolean>();

/** Could this message name an auth or account event (memoised: messages repeat)? */
export function mayNameAuth(message: string): boolean {
  if (message.length > 200) return GATE.test(message);
  let v = gateMemo.get(message);
  if (v === undefined) {
    v = GATE.test(message);
    if (gateMemo.size >= 4096) gateMemo = new Map();
    gateMemo.set(message, v);
  }
  return v;
}

/** Quick gate: could this line carry an auth or account event at all? */
export function mayBeAuth(p: ParsedLine): boolean {
  return p.auth !== AuthOutcome.None || p.event !== null || p.status === 401 || p.status === 403
    || (p.message !== null && p.format !== 'clf' && (p.program === null || !KNOWN_PROGRAMS.has(p.program)) && mayNameAuth(p.message));
}
