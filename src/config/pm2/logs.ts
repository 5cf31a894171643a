// PM2's log keys -> bulwark's `logs`: time / log_date_format stamp captured lines; out_file,
// error_file and log_file become `logs.copyTo`, so the files PM2 users (and their logrotate rules
// and shippers) know keep getting the output. bulwark's own capture files stay in
// $BULWARK_HOME/logs: detection and `bulwark logs` read those.
import type { Context, Origin, Pm2App, RawApp } from './context.js';

/** PM2 writes nothing for these (lib/Common.js). */
const DISCARD = new Set(['/dev/null', 'NULL']);
const COPY_KEYS = [['out_file', 'stdout'], ['error_file', 'stderr'], ['log_file', 'combined']] as const;

export function pm2Logs(a: Pm2App, label: string, ctx: Context, from: Origin): RawApp | undefined {
  const logs: RawApp = {};
  // PM2's `time: true` means log_date_format YYYY-MM-DDTHH:mm:ss, whatever log_date_format says.
  const timestamps = a.time === true ? true : typeof a.log_date_format === 'string' && a.log_date_format !== '' ? a.log_date_format : undefined;
  if (timestamps !== undefined) { logs.timestamps = timestamps; from('logs.timestamps', a.time === true ? 'time' : 'log_date_format'); }
  const copyTo: RawApp = {};
  for (const [key, stream] of COPY_KEYS) {
    const v = a[key];
    if (v === undefined || v === null || v === false || v === '') continue;
    if (v === true) {
      ctx.warnings.push(`${label}: log_file: true (PM2's combined file in ~/.pm2/logs) is not written; \`bulwark logs ${label}\` shows both streams`);
      continue;
    }
    if (typeof v === 'string' && DISCARD.has(v)) {
      const file = stream === 'stderr' ? 'err' : 'out';
      if (stream !== 'combined') ctx.warnings.push(`${label}: ${key} ${v}: PM2 keeps no ${stream}; bulwark still captures it in $BULWARK_HOME/logs/${label}.${file}.log (detection reads it), bounded by logs.rotate`);
      continue;
    }
    copyTo[stream] = typeof v === 'string' ? homePath(v, ctx.env) : v; // validation reports a non-string
    from(`logs.copyTo.${stream}`, key);
  }
  if (Object.keys(copyTo).length > 0) logs.copyTo = copyTo;
  return Object.keys(logs).length > 0 ? logs : undefined;
}

/** PM2 expands a leading `~` with the caller's HOME; relative paths resolve from the app's cwd. */
function homePath(p: string, env: NodeJS.ProcessEnv): string {
  return p.startsWith('~') && env.HOME ? `${env.HOME}${p.slice(1)}` : p;
}
