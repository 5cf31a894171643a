// `bulwark alert test [channel]`: one test alert through each channel of the running daemon.
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import type { ChannelTestResult } from '../../alerts/index.js';
import { withDaemon } from '../daemon-connection.js';

interface Args { action: 'test'; channel?: string; json?: boolean }

const alert: BulwarkCommand<Args> = {
  command: 'alert <action> [channel]',
  describe: 'alert channels: `alert test [channel]` sends a test alert through each and reports the result',
  builder: (y) => y
    .positional('action', { choices: ['test'] as const })
    .positional('channel', { type: 'string', describe: 'one channel: its name, else its type, or type-N when a type repeats' })
    .option('json', { type: 'boolean' }),
  run: (argv, io) => withDaemon(io, async (c) => {
    const results = await c.request<ChannelTestResult[]>('alert.test', { channel: argv.channel });
    if (argv.json) io.out(JSON.stringify(results));
    else if (results.length === 0) io.out('no alert channels configured');
    else for (const r of results) io.out(`${r.channel}: ${r.ok ? 'sent' : `FAILED: ${r.error}`}`);
    return results.every((r) => r.ok) ? EXIT.OK : EXIT.FAILURE;
  }),
};
export default alert;
