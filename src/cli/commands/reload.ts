// `bulwark reload <name|all>`: PM2's zero-downtime reload. Instances that share their port through
// bulwark (cluster mode or `listen:`) are replaced one at a time, each new one ready before the old
// one stops; other apps are restarted, and the report says so. Exit 1 when a new instance failed
// (the reload stopped there; the old instances keep serving).
import { formatDuration } from '../../common/units.js';
import type { ReloadOutcome } from '../../supervisor/rolling-reload.js';
import type { BulwarkCommand } from '../command.js';
import { withDaemon } from '../daemon-connection.js';

interface Args { name: string }

const reload: BulwarkCommand<Args> = {
  command: 'reload <name>',
  describe: 'replace an app\'s instances one at a time without dropping requests (or all apps)',
  builder: (y) => y.positional('name', { type: 'string', describe: 'an app name, or all', demandOption: true }),
  run: (argv, io) => withDaemon(io, async (c) => {
    const { reloads } = await c.request<{ names: string[]; reloads: ({ name: string } & ReloadOutcome)[] }>('reload', { name: argv.name });
    if (reloads.length === 0) io.out('no apps');
    for (const r of reloads) {
      const n = `${r.instances} instance${r.instances === 1 ? '' : 's'}`;
      io.out(r.mode === 'rolling'
        ? `reloaded ${r.name}: ${n} replaced one at a time in ${formatDuration(r.ms)}`
        : `restarted ${r.name} (${n}) in ${formatDuration(r.ms)}: a reload is a restart for an app that does not share its port through bulwark (cluster mode or listen:, see docs/cluster.md)`);
    }
    return 0;
  }),
};

export default reload;
