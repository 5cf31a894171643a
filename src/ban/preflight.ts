// Can banning work here, as configured? Asked by `config check` (exit 78 when not) and by the daemon
// before it takes a config with bans on, so that the answer comes at start, not at the first attack.
import { isAbsolute } from 'node:path';
import type { BanConfig } from '../config/schema/index.js';
import { findOnPath, isExecutable } from '../common/path-lookup.js';
import { BanError, DryRunBackend, type BanBackend } from './backend.js';
import { ExecBanBackend } from './exec-backend.js';
import { findNft, hasNetAdmin, NO_NFT, noNetAdmin } from './nft.js';
import { NftablesBackend } from './nftables.js';

/** Throws BanError (with what to do) when bans are on and cannot be applied by this process. */
export async function checkBanning(cfg: BanConfig): Promise<void> {
  if (!cfg.enabled || cfg.dryRun) return;
  if (cfg.backend === 'exec') {
    for (const [what, argv] of [['ban', cfg.exec!.ban], ['unban', cfg.exec!.unban]] as const) {
      const program = argv[0]!;
      const found = isAbsolute(program) ? isExecutable(program) : findOnPath(program) !== undefined;
      if (!found) throw new BanError('EBAN_EXEC_MISSING', `security.ban.exec.${what}: ${JSON.stringify(program)} is not an executable file${isAbsolute(program) ? '' : ' on PATH'}`);
    }
    return;
  }
  const nft = findNft();
  if (nft === null) throw new BanError('EBAN_NFT_MISSING', NO_NFT);
  if (!hasNetAdmin()) throw new BanError('EBAN_PERM', noNetAdmin());
  await new NftablesBackend(cfg, nft).check();
}

/** The backend for a config (checked first with checkBanning). */
export function createBackend(cfg: BanConfig): BanBackend {
  if (cfg.dryRun) return new DryRunBackend();
  return cfg.backend === 'exec' ? new ExecBanBackend(cfg.exec!) : new NftablesBackend(cfg);
}
