// `bulwark scan <file...>`: offline detection over log files, like fail2ban-regex. No daemon needed.
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import { renderTable } from '../format.js';
import { ConfigError, formatIssue } from '../../config/errors.js';
import { loadConfigFile } from '../../config/load.js';
import { securitySchema, type SecurityConfig } from '../../config/schema/security.js';
import type { FormatOption } from '../../logs/parse/index.js';
import { scanFiles, type ScanMatch, type ScanSummary } from '../../logs/scan.js';

interface Args { file: string[]; format: FormatOption; json?: boolean; config?: string }

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
    .option('format', { choices: ['auto', 'json', 'text', 'clf', 'sshd'] as const, default: 'auto' as const, describe: 'line format (auto picks per line)' })
    .option('json', { type: 'boolean', describe: 'one JSON event per line, then a summary line' })
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
    let summary: ScanSummary;
    try {
      summary = await scanFiles({
        files: argv.file,
        format: argv.format,
        security,
        onMatch: argv.json
          ? (m) => {
            pending += JSON.stringify(m) + '\n';
            if (pending.length >= OUT_CHUNK) {
              io.out(pending);
              pending = '';
            }
          }
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
