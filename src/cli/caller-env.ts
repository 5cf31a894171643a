// The caller's environment, as `start` and `restart --update-env` hand it to the daemon (PM2 does
// the same). It travels only over the 0600 control socket, is never logged, and is kept in the
// app table (state/*.json, 0600) so resurrected apps get what they were started with. Variables
// that describe only the caller's terminal session are left out: they would be stale at boot.
const SESSION_ONLY = new Set(['_', 'OLDPWD', 'PWD', 'SHLVL', 'TERM_SESSION_ID', 'WINDOWID', 'STY', 'WINDOW', 'PS1', 'PS2', 'PROMPT_COMMAND', 'COLUMNS', 'LINES']);
const SESSION_PREFIXES = ['SSH_', 'TMUX', 'XDG_SESSION_', 'BULWARK_HOME'];

export function callerEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || SESSION_ONLY.has(k) || SESSION_PREFIXES.some((p) => k.startsWith(p))) continue;
    out[k] = v;
  }
  return out;
}
