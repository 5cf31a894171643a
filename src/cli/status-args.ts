// The forms of `status` that skip yargs (`status [name] [--json]`), which scripts poll and people
// type most; any other (`--help`, a wrong flag) goes through the full CLI for its help and errors.

export interface StatusArgs { name?: string; json: boolean }

/** `argv` (after the program's name) as a plain `status` call, or undefined. */
export function plainStatusArgs(argv: readonly string[]): StatusArgs | undefined {
  if (argv[0] !== 'status') return undefined;
  const rest = argv.slice(1);
  const names = rest.filter((a) => !a.startsWith('-'));
  if (names.length > 1 || rest.some((a) => a.startsWith('-') && a !== '--json')) return undefined;
  return { ...(names[0] !== undefined ? { name: names[0] } : {}), json: rest.includes('--json') };
}
