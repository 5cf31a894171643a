// Spam and e-mail-harvesting bots, by the user agent they send. The names are fail2ban's
// apache-badbots list, kept as data under its own licence (GPL-2.0-or-later) in
// data/fail2ban-bad-bots.json, which this MIT-licensed module reads at run time (THIRD-PARTY-NOTICES.md).
// As in fail2ban, an agent matches when it ENDS with one of these names: a browser string that merely
// mentions one does not. Reported as a `scanner` finding (low severity), like attack tools' agents.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BAD_BOT_RULE = 'scanner-bad-bot';

/** The data file from src/logs/detect (tsx, tests) or dist/src/logs/detect (the package). */
const CANDIDATES = ['../../../data/fail2ban-bad-bots.json', '../../../../data/fail2ban-bad-bots.json']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)));

let names: readonly string[] | null = null;

function badBots(): readonly string[] {
  if (names !== null) return names;
  const file = CANDIDATES.find((p) => existsSync(p));
  if (file === undefined) throw new Error(`the bad-bot list is missing (looked in ${CANDIDATES.join(', ')}); reinstall bulwark`);
  const data = JSON.parse(readFileSync(file, 'utf8')) as { names?: unknown };
  if (!Array.isArray(data.names) || !data.names.every((n): n is string => typeof n === 'string' && n.length > 0)) {
    throw new Error(`${file}: "names" must be a list of user-agent names`);
  }
  names = data.names;
  return names;
}

/** True when the user agent ends with the name of a known spam or harvesting bot. */
export function isBadBot(ua: string): boolean {
  for (const name of badBots()) if (ua.endsWith(name)) return true;
  return false;
}
