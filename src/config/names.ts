// Plain constants and naming rules shared by the config schema and the modules that run it. Kept
// free of zod so the daemon, which receives configs already validated, never loads it.

export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

/** The names alert channels go by: `name`, else the type, else `type-N` when a type repeats. */
export function channelNames(channels: readonly { type: string; name?: string | undefined }[]): string[] {
  const perType = new Map<string, number>();
  for (const c of channels) perType.set(c.type, (perType.get(c.type) ?? 0) + 1);
  const nth = new Map<string, number>();
  return channels.map((c) => {
    const n = (nth.get(c.type) ?? 0) + 1;
    nth.set(c.type, n);
    return c.name ?? (perType.get(c.type)! > 1 ? `${c.type}-${n}` : c.type);
  });
}
