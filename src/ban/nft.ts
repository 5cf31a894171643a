// Running nft: finding the program, feeding it a script, and turning its failures into errors an
// operator can act on (not installed, no CAP_NET_ADMIN, no nf_tables in the kernel).
import { readFileSync } from 'node:fs';
import { findOnPath, isExecutable } from '../common/path-lookup.js';
import { runArgv } from '../common/run-argv.js';
import { BanError } from './backend.js';

/** systemd and non-root shells often lack the sbin directories on PATH. */
const SBIN = ['/usr/sbin/nft', '/sbin/nft'];
const NFT_TIMEOUT_MS = 30_000;
const CAP_NET_ADMIN = 12;

/** The nft program: $BULWARK_NFT, else nft on PATH, else /usr/sbin or /sbin; null when none exists. */
export function findNft(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.BULWARK_NFT) return isExecutable(env.BULWARK_NFT) ? env.BULWARK_NFT : null;
  return findOnPath('nft', env) ?? SBIN.find(isExecutable) ?? null;
}

/** Whether this process holds CAP_NET_ADMIN (effective set), which nftables changes need. */
export function hasNetAdmin(): boolean {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m !== null && (BigInt(`0x${m[1]}`) & (1n << BigInt(CAP_NET_ADMIN))) !== 0n;
  } catch {
    return false; // not Linux, or no /proc: nftables cannot work either
  }
}

export const NO_NFT = 'security.ban: the nftables backend needs the nft program, which is not installed (Debian/Ubuntu: apt-get install nftables; '
  + 'or set BULWARK_NFT to its path). Or use backend: exec, or dryRun: true';

export function noNetAdmin(): string {
  return `security.ban: nftables bans need CAP_NET_ADMIN, which this process (uid ${process.getuid?.() ?? '?'}) does not have. `
    + 'Run the daemon as root, or under the unit `bulwark startup systemd` writes (it grants CAP_NET_ADMIN when bans are on); or use backend: exec, or dryRun: true';
}

/** Runs `nft [-c] -f -` with `script`; throws BanError with nft's own message on failure. */
export async function runNft(nft: string, script: string, check = false): Promise<void> {
  let r;
  try {
    r = await runArgv([nft, ...(check ? ['-c'] : []), '-f', '-'], { input: script, timeoutMs: NFT_TIMEOUT_MS, stderrLimit: 2000 });
  } catch (err) {
    throw new BanError('EBAN_NFT_MISSING', `${NO_NFT} (${(err as Error).message})`);
  }
  if (r.code === 0) return;
  const msg = r.stderr.trim().split('\n').slice(0, 3).join(' | ') || (r.timedOut ? `timed out after ${NFT_TIMEOUT_MS}ms` : `exited with code ${r.code}`);
  if (/Operation not permitted/i.test(r.stderr)) throw new BanError('EBAN_PERM', `${noNetAdmin()} (nft: ${msg})`);
  if (/No such file or directory/i.test(r.stderr)) throw new BanError('EBAN_NOENT', `nft: ${msg}`);
  if (/Protocol not supported|not supported/i.test(r.stderr)) {
    throw new BanError('EBAN_KERNEL', `security.ban: the kernel refused the nftables table (nf_tables with set timeouts is needed; nft: ${msg})`);
  }
  throw new BanError('EBAN_NFT', `nft: ${msg}`);
}

/** nft's time syntax (7d3h2m1s500ms): one large unit overflows its parser. */
export function nftTime(ms: number): string {
  let left = Math.max(1000, Math.round(ms));
  let out = '';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(left / size);
    if (n > 0) { out += `${n}${unit}`; left -= n * size; }
  }
  return out;
}
