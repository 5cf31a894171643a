// `bulwark alert test [channel]`: one test alert through each channel of the running daemon, or
// with --config straight from a file's channels (to check them before starting anything).
import type { BulwarkCommand, CliIO } from '../command.js';
import { EXIT } from '../command.js';
import type { ChannelTestResult } from '../../alerts/index.js';
import type { BulwarkConfig } from '../../config/schema/index.js';
import { withDaemon } from '../daemon-connection.js';
import { terminalJson, terminalSafe } from '../terminal-text.js';
import { unknownName } from '../checks.js';
import { loadConfigOrReport } from '../config-file.js';

interface Args { action: 'test'; channel?: string; config?: string; json?: boolean }

const alert: BulwarkCommand<Args> = {
  command: 'alert <action> [channel]',
  describe: 'alert channels: `alert test [channel]` sends a test alert through each and reports the result',
  builder: (y) => y
    .positional('action', { choices: ['test'] as const })
    .positional('channel', { type: 'string', describe: 'one channel: its name, else its type, or type-N when a type repeats' })
    .option('config', { type: 'string', describe: 'test the channels of this file instead of the running daemon' })
    .option('json', { type: 'boolean' }),
  run: async (argv, io) => {
    if (argv.config !== undefined) return testFromFile(argv, io);
    return withDaemon(io, async (c) => {
      if (argv.channel !== undefined) {
        const known = await c.request<string[]>('alert.channels');
        if (!known.includes(argv.channel)) return unknownName(io, 'alert channel', argv.channel, known);
      }
      return report(await c.request<ChannelTestResult[]>('alert.test', { channel: argv.channel }), argv, io);
    });
  },
};

/** A throw-away alert manager (and forwarder, for syslog channels) on a temp dir, closed after the test. */
async function testFromFile(argv: Args, io: CliIO): Promise<number> {
  const [{ channelNames }, { AlertManager }, { Forwarder }, { mkdtempSync, rmSync }, { tmpdir, hostname }, { join }] = await Promise.all([
    import('../../config/names.js'), import('../../alerts/index.js'), import('../../forward/index.js'),
    import('node:fs'), import('node:os'), import('node:path')]);
  const config = await loadConfigOrReport(argv.config!, io);
  if (typeof config === 'number') return config;
  const known = channelNames(config.alerts.channels);
  if (argv.channel !== undefined && !known.includes(argv.channel)) return unknownName(io, 'alert channel', argv.channel, known);
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-alert-test-'));
  try {
    const host = hostname();
    const forwarder = usesSyslog(config) ? new Forwarder(config.forward, { stateDir: join(dir, 'forward'), hostname: host, emit: () => {} }) : undefined;
    await forwarder?.start();
    const manager = new AlertManager(config.alerts, { stateDir: join(dir, 'alerts'), hostname: host, emit: () => {}, forwarder: () => forwarder });
    try {
      return report(await manager.test(argv.channel), argv, io);
    } finally {
      await manager.close();
      await forwarder?.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function usesSyslog(config: BulwarkConfig): boolean {
  return config.alerts.channels.some((c) => c.type === 'syslog');
}

function report(results: ChannelTestResult[], argv: Args, io: CliIO): number {
  if (argv.json) io.out(terminalJson(results));
  else if (results.length === 0) io.out('no alert channels configured');
  else for (const r of results) io.out(terminalSafe(`${r.channel}: ${r.ok ? 'sent' : `FAILED: ${r.error}`}`)); // a receiver's answer is quoted
  return results.every((r) => r.ok) ? EXIT.OK : EXIT.FAILURE;
}
export default alert;
