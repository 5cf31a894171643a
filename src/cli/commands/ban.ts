// `bulwark ban <ip> [--for 1h] [--reason ...]`: bans an address now (security.ban must be on).
import { isIP } from 'node:net';
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import type { PublicBan } from '../../daemon/ban-service.js';
import { formatDuration, parseDuration } from '../../common/units.js';
import { withDaemon } from '../daemon-connection.js';

interface Args { ip: string; for?: string; reason?: string; json?: boolean }

const ban: BulwarkCommand<Args> = {
  command: 'ban <ip>',
  describe: 'ban an address now (nftables or exec backend, as security.ban says)',
  builder: (y) => y
    .positional('ip', { type: 'string', describe: 'an IPv4 or IPv6 address (with prefix bans, its network is banned)' })
    .option('for', { type: 'string', describe: 'how long, e.g. 30m, 1h, 2d, 1w (default: security.ban.bantime, longer for repeat offenders)' })
    .option('reason', { type: 'string', describe: 'recorded with the ban and in its event' })
    .option('json', { type: 'boolean', describe: 'print the ban as JSON' }),
  run: async (argv, io) => {
    if (isIP(argv.ip.replace(/^\[|\]$/g, '')) === 0) {
      io.err(`ban: ${JSON.stringify(argv.ip)} is not an IPv4 or IPv6 address`);
      return EXIT.USAGE;
    }
    const durationMs = argv.for === undefined ? undefined : parseDuration(argv.for);
    if ((durationMs === undefined && argv.for !== undefined) || (durationMs !== undefined && durationMs < 1000)) {
      io.err(`ban: --for expects a duration of at least 1s, like 30m, 1h or 2d, got ${JSON.stringify(argv.for)}`);
      return EXIT.USAGE;
    }
    return withDaemon(io, async (c) => {
      const b = await c.request<PublicBan>('ban', { ip: argv.ip, durationMs, reason: argv.reason });
      if (argv.json) io.out(JSON.stringify(b));
      else io.out(`banned ${b.target} for ${formatDuration(Date.parse(b.until) - Date.parse(b.since))} (until ${b.until})`);
      return EXIT.OK;
    });
  },
};
export default ban;
