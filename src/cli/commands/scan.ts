// `bulwark scan <file...>`: offline detection over log files, like fail2ban-regex. No daemon needed.
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import { renderTable } from '../format.js';
import { ConfigError, formatIssue } from '../../config/errors.js';
import { loadConfigFile } from '../../config/load.js';
import { securitySchema, type SecurityConfig } from '../../config/schema/security.js';
import { LOG_FORMATS } from '../../config/schema/apps.js';
import type { FormatOption } from '../../logs/parse/index.js';
import { scanFiles, type ScanMatch, type ScanSummary } from '../../logs/scan.js';
import { addToSummary, newExplainSummary, type ExplainSummary } from '../../logs/explain.js';
import { stringifySafe } from '../../common/escape.js';

interface Args { file: string[]; format: FormatOption; json?: boolean; explain?: boolean; config?: string }

/** Output is gathered and written in chunks of about this size (one write per line would dominate). */
const OUT_CHUNK = 64 * 1024;
/** The table shows this many matches; --json prints them all. */
const TABLE_ROWS = 1000;

function clip(s: string | null, n: number): string {
  if (s === null) return '-';
  return s.length > n ? `${s.slice(0, n - 3)}...` : s;
}

const scan: BulwarkCommand<Args> = {
  command: 'scan <file...>',
  describe: 'detect attacks in log files offline (like fail2ban-regex)',
  builder: (y) => y
    .positional('file', { type: 'string', array: true, describe: 'log files to read, in order' })
    .option('format', { choices: LOG_FORMATS, default: 'auto' as const, describe: 'line format (auto picks per line)' })
    .option('json', { type: 'boolean', describe: 'one JSON event per line, then a summary line' })
    .option('explain', { type: 'boolean', describe: 'what each line was read as: with --json one object per input line, else a summary' })
    .option('config', { type: 'string', describe: 'read the security: section of this bulwark.yml' }),
  run: async (argv, io) => {
    let security: SecurityConfig;
    try {
      security = argv.config ? (await loadConfigFile(argv.config)).config.security : securitySchema.parse({});
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const issue of err.issues) io.err(formatIssue(issue));
      return EXIT.CONFIG;
    }

    let pending = '';
    const rows: ScanMatch[] = [];
    const explained = argv.explain ? newExplainSummary() : null;
    const write = (text: string): void => {
      pending += text;
      if (pending.length >= OUT_CHUNK) {
        io.out(pending);
        pending = '';
      }
    };
    let summary: ScanSummary;
    try {
      summary = await scanFiles({
        files: argv.file,
        format: argv.format,
        security,
        onLine: explained === null ? undefined : argv.json
          ? (row) => write(stringifySafe(row) + '\n')
          : (row, events) => addToSummary(explained, row, events),
        onMatch: explained !== null ? () => {} : argv.json
          ? (m) => write(stringifySafe(m) + '\n')
          : (m) => { if (rows.length < TABLE_ROWS) rows.push(m); },
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') {
        if (pending) io.out(pending);
        io.err(`scan: cannot read ${e.path ?? 'file'}: ${e.code}`);
        return EXIT.FAILURE;
      }
      if (e.code === 'EALLOWLIST' || e.code === 'ECUSTOMRULE') {
        io.err(`scan: ${e.message}`);
        return EXIT.CONFIG;
      }
      throw err;
    }

    if (explained !== null) {
      if (!argv.json) io.out(renderExplainSummary(explained, summary));
      else if (pending) io.out(pending);
      return EXIT.OK;
    }
    if (argv.json) {
      io.out(pending + JSON.stringify({ summary }) + '\n');
      return EXIT.OK;
    }
    const parts: string[] = [];
    if (rows.length > 0) {
      parts.push(renderTable(['file:line', 'kind', 'rule', 'severity', 'ip', 'user', 'message'],
        rows.map((m) => [`${m.file}:${m.lineNo}`, m.kind, m.rule, m.severity, m.ip ?? '-', clip(m.user, 24), clip(m.message, 80)])));
      if (summary.events > rows.length) parts.push(`... ${summary.events - rows.length} more (use --json for all)`);
      parts.push('');
    }
    const kinds = Object.entries(summary.byKind).sort((a, b) => b[1] - a[1]);
    parts.push(kinds.length > 0 ? renderTable(['kind', 'events'], kinds) : 'no detections');
    const i = summary.input;
    parts.push('', `${summary.lines} line(s) in ${summary.files} file(s), ${summary.events} event(s), ${summary.ignored} allow-listed line(s), ${summary.elapsedMs} ms`);
    if (i.truncated + i.invalidUtf8 + i.nul + i.binary > 0) {
      parts.push(`hostile input: ${i.truncated} truncated, ${i.invalidUtf8} invalid UTF-8, ${i.nul} with NUL, ${i.binary} binary, ${i.crlf} CRLF`);
    }
    io.out(parts.join('\n'));
    return EXIT.OK;
  },
};
export default scan;

/** fail2ban-regex-like: lines read, per format, per signal, per rule matched, and lines missed by format. */
function renderExplainSummary(s: ExplainSummary, scan: ScanSummary): string {
  const table = (title: string, rec: Record<string, number>): string => {
    const rows = Object.entries(rec).sort((a, b) => b[1] - a[1]);
    return rows.length === 0 ? `${title}: none` : renderTable([title, 'lines'], rows);
  };
  const parts = [
    `Lines: ${s.lines} read in ${scan.files} file(s), ${scan.events} event(s), ${scan.ignored} allow-listed, ${scan.elapsedMs} ms`, '',
    table('format', s.byFormat), '',
    table('signal', s.bySignal), '',
    Object.keys(s.byRule).length === 0 ? 'rules matched: none' : renderTable(['rule', 'events'], Object.entries(s.byRule).sort((a, b) => b[1] - a[1])), '',
    table('missed (no signal, no kind) by format', s.missedByFormat),
  ];
  return parts.join('\n');
}
