// A config problem, located as precisely as we can: file, path in the document, line:column and a hint.
export interface ConfigIssue {
  file: string;
  /** Dotted path like apps[0].restart.policy ("" for the document itself). */
  path: string;
  line?: number;
  column?: number;
  message: string;
  hint?: string;
}

export class ConfigError extends Error {
  readonly code = 'ECONFIG';
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');
}

export function formatIssue(i: ConfigIssue): string {
  const where = i.line ? `${i.file}:${i.line}:${i.column ?? 1}` : i.file;
  return `${where}: ${i.path || '(top level)'}: ${i.message}${i.hint ? `\n    hint: ${i.hint}` : ''}`;
}
