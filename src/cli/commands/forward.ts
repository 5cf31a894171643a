// `bulwark forward test [name]` and `bulwark forward status`: through the daemon, or with --config
// straight from a file (to check endpoints before starting anything).
import type { BulwarkCommand, CliIO } from '../command.js';
import { EXIT } from '../command.js';
import type { EndpointStatus, TestResult } from '../../forward/index.js';
import { withDaemon } from '../daemon-connection.js';
import { renderTable } from '../format.js';
import { unknownName } from '../checks.js';
import { loadConfigOrReport } from '../config-file.js';
import { terminalJson, terminalSafe } from '../terminal-text.js';

interface Args { action: 'test' | 'status'; name?: string; config?: string; json?: boolean }

const forward: BulwarkCommand<Args> = {
  command: 'forward <action> [name]',
  describe: 'forwarding endpoints: `forward test [name]` sends one test event each; `forward status`',
  builder: (y) => y
    .positional('action', { choices: ['test', 'status'] as const })
    .positional('name', { type: 'string', describe: 'one endpoint' })
    .option('config', { type: 'string', describe: 'test the endpoints of this file instead of the running daemon' })
    .option('json', { type: 'boolean' }),
  run: async (argv, io) => {
    if (argv.action === 'test' && argv.config) return testFromFile(argv, io);
    return withDaemon(io, async (c) => {
      const st = await c.request<EndpointStatus[]>('forward.status');
      if (argv.name !== undefined && !st.some((e) => e.name === argv.name)) return unknownName(io, 'forward endpoint', argv.name, st.map((e) => e.name));
      if (argv.action === 'status') {
        const shown = st.filter((e) => argv.name === undefined || e.name === argv.name);
        io.out(argv.json ? JSON.stringify(shown) : shown.length ? statusTable(shown) : 'no forward endpoints configured');
        return 0;
      }
      return report(await c.request<TestResult[]>('forward.test', { name: argv.name }), argv, io);
    });
  },
};

async function testFromFile(argv: Args, io: CliIO): Promise<number> {
  const [{ Forwarder }, { mkdtempSync, rmSync }, { tmpdir, hostname }, { join }] = await Promise.all([
    import('../../forward/index.js'), import('node:fs'), import('node:os'), import('node:path')]);
  const config = await loadConfigOrReport(argv.config!, io);
  if (typeof config === 'number') return config;
  const known = config.forward.map((e) => e.name);
  if (argv.name !== undefined && !known.includes(argv.name)) return unknownName(io, 'forward endpoint', argv.name, known);
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-forward-test-'));
  try {
    const f = new Forwarder(config.forward, { stateDir: dir, hostname: hostname(), emit: () => {} });
    return report(await f.test(argv.name), argv, io);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(results: TestResult[], argv: Args, io: CliIO): number {
  if (argv.json) io.out(terminalJson(results));
  else if (results.length === 0) io.out('no forward endpoints configured');
  else for (const r of results) io.out(terminalSafe(`${r.name}: ${r.delivered ? 'delivered' : `NOT delivered: ${r.error}`}`)); // a receiver's answer is quoted
  return results.every((r) => r.delivered) ? EXIT.OK : EXIT.FAILURE;
}

export function statusTable(st: EndpointStatus[]): string {
  return renderTable(['endpoint', 'connected', 'spooled', 'sent', 'dropped', 'last error'],
    st.map((e) => [e.name, e.connected ? 'yes' : 'no', e.spooled, e.sent, e.dropped, e.lastError ?? '-']));
}
export default forward;
