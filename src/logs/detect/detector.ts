// One log line in, zero or more security events out: sanitise -> parse -> allow-list -> rules -> thresholds.
import { join } from 'node:path';
import type { SecurityConfig, SecurityKind, Severity } from '../../config/schema/index.js';
import type { LogLine, SecurityEvent } from '../../events/types.js';
import { newEventId } from '../../events/id.js';
import { boundedField, validIp } from '../../events/fields.js';
import { formatDuration } from '../../common/units.js';
import { AuthOutcome, parseLine, SshdKind, type FormatOption, type ParsedLine } from '../parse/index.js';
import { parseLogTime } from '../parse/time.js';
import { textIdentity } from '../parse/text.js';
import { countBinary, eventLine, newInputCounters, sanitiseLine, type InputCounters } from '../parse/hostile.js';
import type { OffenderBook } from '../offenders.js';
import { AllowList } from './allow-list.js';
import { AccountSignal, accountSignal, identityFromText, loginOutcome, mayBeAuth } from './auth-events.js';
import { compileRules, fieldValue, type CompiledRule } from './custom-rules.js';
import { KnownIps } from './known-ips.js';
import { QuietJson } from './quiet-json.js';
import { serverReport } from './server-reports.js';
import { SshdSessions } from './sshd-sessions.js';
import { TagMatcher } from './tagged.js';
import { WebInspector } from './web.js';
import { CountWindow, DistinctWindow } from './window.js';

export interface DetectorOptions {
  /** Where new-ip-login history is kept (known-ips.jsonl); in memory only when absent (scan). */
  stateDir?: string;
  /** The history to use instead (the daemon keeps one across reconfigurations). */
  knownIps?: KnownIps;
  /** Every event is also recorded here. */
  offenders?: OffenderBook;
  /** A line without a time of its own takes the time of the previous timed line of its source (scan), not its read time. */
  carryTime?: boolean;
  /** Parse every line, also those the JSON prefilter could skip (scan --explain reports each line). */
  parseAll?: boolean;
}

const SEVERITY: Record<Exclude<SecurityKind, 'custom'>, Severity> = {
  tagged: 'high', sqli: 'high', xss: 'high', traversal: 'high', rfi: 'high', 'command-injection': 'high', 'code-injection': 'high',
  'sensitive-file': 'medium', scanner: 'low', 'bad-request': 'low', 'brute-force': 'high', 'credential-stuffing': 'critical', 'new-ip-login': 'medium', 'account-change': 'medium',
};

/** Returned when nothing fires: shared, frozen, never allocated per line. */
const NONE: readonly SecurityEvent[] = Object.freeze([]);

function clip(s: string, n = 200): string {
  return s.length > n ? s.slice(0, n) + '...' : s;
}

/** What `auto` takes for JSON (parse/index.ts): the first non-blank character is `{`. */
function startsObject(s: string): boolean {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  return s.charCodeAt(i) === 123;
}

export class Detector {
  /** Hostile-input counters for the lines this detector saw. */
  readonly counters: InputCounters = newInputCounters();
  /** Lines skipped because their client IP is allow-listed. */
  ignored = 0;

  private readonly builtin: boolean;
  private readonly tags: TagMatcher;
  private readonly allow: AllowList;
  private readonly custom: CompiledRule[];
  private readonly web: WebInspector;
  private readonly bruteIp: CountWindow;
  private readonly bruteUser: CountWindow;
  private readonly bruteIpSlow: CountWindow | null;
  private readonly sessions = new SshdSessions();
  private readonly carryTime: boolean;
  private lastTimeRaw: string | number | null = null;
  private lastTimeSource = '';
  /** The parsed form of the line `inspect` saw last (null when the JSON prefilter skipped it). */
  lastParsed: ParsedLine | null = null;
  private readonly stuffing: DistinctWindow;
  private readonly probes: CountWindow;
  private readonly known: KnownIps | null;
  private readonly offenders: OffenderBook | undefined;
  /** Skips JSON.parse on lines that cannot fire; off with custom rules (any field) or an allow-list (counts every listed line). */
  private readonly quietJson: QuietJson | null;
  private readonly cfg: SecurityConfig;

  /** Throws AllowListError / CustomRuleError (both carry a `code`) on bad entries. */
  constructor(cfg: SecurityConfig, opts: DetectorOptions = {}) {
    this.cfg = cfg;
    this.builtin = cfg.rules === 'default';
    this.tags = new TagMatcher(cfg.tags.fields, cfg.tags.values);
    this.allow = new AllowList(cfg.ignore);
    this.custom = compileRules(cfg.custom);
    this.web = new WebInspector(cfg.ignorePaths);
    const t = cfg.thresholds;
    this.bruteIp = new CountWindow(t.bruteForce.maxretry, t.bruteForce.findtime);
    this.bruteUser = new CountWindow(t.bruteForce.maxretry, t.bruteForce.findtime);
    this.bruteIpSlow = t.bruteForce.slow === null ? null : new CountWindow(t.bruteForce.slow.maxretry, t.bruteForce.slow.findtime);
    this.carryTime = opts.carryTime === true;
    this.stuffing = new DistinctWindow(t.credentialStuffing.users, t.credentialStuffing.findtime);
    this.probes = new CountWindow(t.probes.maxretry, t.probes.findtime);
    this.known = cfg.newIpLogin ? opts.knownIps ?? new KnownIps(opts.stateDir ? join(opts.stateDir, 'known-ips.jsonl') : undefined) : null;
    this.offenders = opts.offenders;
    this.quietJson = this.custom.length === 0 && cfg.ignore.length === 0 && opts.parseAll !== true ? new QuietJson(this.tags, this.web, cfg.tags.fields) : null;
  }

  /**
   * One line in, zero or more security events out (a shared empty array when nothing fires).
   * Sets `line.clean` when the line, as read, was proved free of control characters.
   */
  inspect(line: LogLine, format: FormatOption): readonly SecurityEvent[] {
    const text = sanitiseLine(line.line, this.counters);
    this.lastParsed = null;
    if (this.quietJson !== null && (format === 'json' || (format === 'auto' && startsObject(text))) && this.quietJson.quiet(text)) {
      // sanitiseLine returns its input unchanged when it had nothing to cut (no CR, NUL, overlong).
      if (text === line.line) line.clean = true;
      return NONE;
    }
    const p = parseLine(text, format);
    this.lastParsed = p;
    if (p.timeRaw !== null) {
      this.lastTimeRaw = p.timeRaw;
      this.lastTimeSource = line.source;
    }
    if (p.sshd !== SshdKind.None) this.sessions.settle(p, line.source);
    if (p.format !== 'json') countBinary(text, this.counters);
    if (p.ip !== null && this.allow.has(p.ip)) {
      this.ignored++;
      return NONE;
    }
    let out: SecurityEvent[] | null = null;
    let time = NaN;

    if (p.json !== null) {
      const tag = this.tags.match(text, p.json);
      if (tag !== null) {
        time = this.timeOf(p, line);
        (out ??= []).push(this.event(line, text, p, time, 'tagged', 'tagged', SEVERITY.tagged,
          `tagged by the app (${clip(tag, 80)})${p.message ? `: ${clip(p.message)}` : ''}`, 1));
      }
    }

    for (const r of this.custom) {
      const value = r.field === undefined ? text : fieldValue(p, r.field);
      if (value !== null && r.re.test(value)) {
        if (Number.isNaN(time)) time = this.timeOf(p, line);
        (out ??= []).push(this.event(line, text, p, time, r.kind, r.name, r.severity,
          `custom rule ${r.name} matched ${r.field ?? 'the line'}`, 1));
      }
    }
    if (!this.builtin) return out ?? NONE;

    if (p.url !== null || p.userAgent !== null || p.json !== null || p.user !== null) {
      const hits = this.web.inspect(p, text);
      if (hits !== null) {
        if (Number.isNaN(time)) time = this.timeOf(p, line);
        out ??= [];
        for (const h of hits) {
          out.push(this.event(line, text, p, time, h.kind, h.rule, SEVERITY[h.kind], `${h.rule} in ${h.where}${p.url !== null ? ` of ${clip(p.url, 120)}` : ''}`, 1));
          if (h.kind === 'sensitive-file' && p.ip !== null) {
            const n = this.probes.hit(p.ip, time);
            if (n > 0) {
              out.push(this.event(line, text, p, time, 'sensitive-file', 'probes', 'high',
                `${n} probes for sensitive files from ${p.ip} within ${formatDuration(this.cfg.thresholds.probes.findtime)}`, n));
            }
          }
        }
      }
    }

    const report = serverReport(p);
    if (report !== null && !(out !== null && out.some((e) => e.kind === report.kind))) {
      if (Number.isNaN(time)) time = this.timeOf(p, line);
      (out ??= []).push(this.event(line, text, p, time, report.kind, report.rule, SEVERITY[report.kind],
        `${report.rule}: ${report.what}${p.url !== null ? ` (${clip(p.url, 120)})` : ''}`, 1));
    }

    if (mayBeAuth(p)) {
      const outcome = loginOutcome(p);
      const signal = outcome === AuthOutcome.None ? accountSignal(p) : AccountSignal.None;
      if (outcome !== AuthOutcome.None || signal !== AccountSignal.None) {
        if (identityFromText(p)) {
          textIdentity(p);
          if (p.ip !== null && this.allow.has(p.ip)) {
            this.ignored++;
            return out ?? NONE;
          }
        }
        if (Number.isNaN(time)) time = this.timeOf(p, line);
        if (outcome === AuthOutcome.Failure) out = this.loginFailure(line, text, p, time, out);
        else if (outcome === AuthOutcome.Success) out = this.loginSuccess(line, text, p, time, out);
        else if (signal === AccountSignal.AccountChange) {
          (out ??= []).push(this.event(line, text, p, time, 'account-change', 'account-change', SEVERITY['account-change'],
            `account change${p.user ? ` for ${p.user}` : ''}: ${clip(p.event ?? p.message ?? '')}`, 1));
        } else {
          (out ??= []).push(this.event(line, text, p, time, 'credential-stuffing', 'breached-password', 'critical',
            `login with a breached password${p.user ? ` for ${p.user}` : ''}`, 1));
        }
      }
    }
    return out ?? NONE;
  }

  private loginFailure(line: LogLine, text: string, p: ParsedLine, time: number, out: SecurityEvent[] | null): SecurityEvent[] | null {
    const window = formatDuration(this.cfg.thresholds.bruteForce.findtime);
    let firedIp = false;
    if (p.ip !== null) {
      const n = this.bruteIp.hit(p.ip, time, p.attempts);
      // The long window reports slow guessing; an address the short window already reports stays one event.
      const slow = this.bruteIpSlow === null ? 0 : this.bruteIpSlow.hit(p.ip, time, p.attempts);
      if (n > 0 || (slow > 0 && !this.bruteIp.firing(p.ip))) {
        firedIp = true;
        (out ??= []).push(this.event(line, text, p, time, 'brute-force', 'brute-force-ip', SEVERITY['brute-force'],
          `${n > 0 ? n : slow} failed logins from ${p.ip} within ${n > 0 ? window : formatDuration(this.cfg.thresholds.bruteForce.slow!.findtime)}`, n > 0 ? n : slow));
      }
      if (p.user !== null) {
        const u = this.stuffing.hit(p.ip, p.user, time);
        if (u > 0) {
          (out ??= []).push(this.event(line, text, p, time, 'credential-stuffing', 'credential-stuffing', SEVERITY['credential-stuffing'],
            `${u} distinct users failed to log in from ${p.ip} within ${formatDuration(this.cfg.thresholds.credentialStuffing.findtime)}`, u));
        }
      }
    }
    if (p.user !== null) {
      const n = this.bruteUser.hit(p.user, time, p.attempts);
      // An attacker on one account from one address reaches both thresholds: report the address only.
      if (n > 0 && !firedIp && (p.ip === null || !this.bruteIp.firing(p.ip))) {
        (out ??= []).push(this.event(line, text, p, time, 'brute-force', 'brute-force-user', SEVERITY['brute-force'],
          `${n} failed logins for user ${p.user} within ${window}`, n));
      }
    }
    return out;
  }

  private loginSuccess(line: LogLine, text: string, p: ParsedLine, time: number, out: SecurityEvent[] | null): SecurityEvent[] | null {
    if (p.ip === null || p.user === null) return out;
    this.stuffing.forget(p.ip, p.user);
    if (this.known !== null && this.known.login(p.user, p.ip)) {
      (out ??= []).push(this.event(line, text, p, time, 'new-ip-login', 'new-ip-login', SEVERITY['new-ip-login'],
        `${p.user} logged in from ${p.ip}, an address not seen for this user before`, 1));
    }
    return out;
  }

  /** The line's own time; else (carryTime) the previous timed line's of the same source; else its read time. */
  timeOf(p: ParsedLine, line: LogLine): number {
    const raw = p.timeRaw ?? (this.carryTime && line.source === this.lastTimeSource ? this.lastTimeRaw : null);
    const t = parseLogTime(raw, line.readAt);
    // Out-of-range times (garbage in a time field) fall back to read time: Date would throw on them.
    return t > -8.64e15 && t < 8.64e15 ? t : line.readAt;
  }

  private event(line: LogLine, text: string, p: ParsedLine, time: number, kind: SecurityKind, rule: string,
    severity: Severity, message: string, count: number): SecurityEvent {
    const e: SecurityEvent = {
      id: newEventId(), type: 'security', at: new Date(time).toISOString(), kind, app: line.app, source: line.source,
      line: eventLine(text), ip: validIp(p.ip), user: boundedField(p.user), rule, severity, message, count,
    };
    this.offenders?.record(e);
    return e;
  }

  /** Persists new-ip-login history and the offender book, if they changed (the caller debounces); off the event loop. */
  async flush(): Promise<void> {
    await Promise.all([this.known?.flush(), this.offenders?.flush()]);
  }
}
