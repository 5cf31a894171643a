// `bulwark monit`: a live terminal view of the apps and the newest events, like `pm2 monit`, for
// SSH sessions. It draws on the alternate screen and gives the terminal back as it found it
// (main screen, cursor, cooked mode) on q, Ctrl-C, SIGTERM, SIGHUP, or when the daemon goes away.
import { hostname } from 'node:os';
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import type { BulwarkEvent } from '../../events/types.js';
import type { AppStatus } from '../../supervisor/supervisor.js';
import { withDaemon } from '../daemon-connection.js';
import { renderFrame, type MonitState } from '../monit/screen.js';

interface Args { interval: number }

const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const KEEP_EVENTS = 200;

const monit: BulwarkCommand<Args> = {
  command: 'monit',
  describe: 'live terminal view of apps (cpu, memory, state) and recent events',
  builder: (y) => y.option('interval', { type: 'number', default: 1000, describe: 'refresh every this many ms' }),
  run: (argv, io) => {
    const { stdin, stdout } = process;
    if (!stdout.isTTY) {
      io.err('bulwark: monit needs a terminal; use `bulwark status` or `bulwark events -f` in scripts');
      return Promise.resolve(EXIT.USAGE);
    }
    return withDaemon(io, (client) => new Promise<number>((resolve) => {
      const state: MonitState = { host: hostname(), now: new Date(), apps: [], events: [] };
      let done = false;
      let pending = false;
      // A burst of events (the first 50 come at once) is one redraw.
      const drawSoon = (): void => {
        if (pending) return;
        pending = true;
        setImmediate(() => { pending = false; if (!done) draw(); });
      };
      const draw = (): void => {
        state.now = new Date();
        const lines = renderFrame(state, stdout.columns || 80, stdout.rows || 24);
        stdout.write(`\x1b[H${lines.join('\x1b[K\r\n')}\x1b[K\x1b[J`);
      };
      const restore = (): void => {
        if (stdin.isTTY) stdin.setRawMode(false);
        stdout.write(LEAVE);
      };
      // Whatever ends the process, the terminal is given back.
      process.once('exit', restore);
      const finish = (code: number, message?: string): void => {
        if (done) return;
        done = true;
        clearInterval(timer);
        stdin.off('data', onKey);
        stdin.pause();
        stdout.off('resize', draw);
        for (const sig of SIGNALS) process.off(sig, onSignal);
        process.off('exit', restore);
        restore();
        if (message) io.err(message);
        resolve(code);
      };
      const onKey = (key: Buffer): void => {
        const k = key.toString('utf8');
        if (k === 'q' || k === 'Q' || k === '\x03' || k === '\x04') finish(EXIT.OK);
      };
      const onSignal = (): void => finish(EXIT.OK);
      const refresh = async (): Promise<void> => {
        try {
          state.apps = await client.request<AppStatus[]>('status');
          drawSoon();
        } catch (err) {
          finish(EXIT.UNREACHABLE, `bulwark: the daemon went away (${(err as Error).message})`);
        }
      };
      stdout.write(ENTER);
      if (stdin.isTTY) stdin.setRawMode(true);
      stdin.resume();
      stdin.on('data', onKey);
      stdout.on('resize', draw);
      for (const sig of SIGNALS) process.on(sig, onSignal);
      const timer = setInterval(() => void refresh(), Math.max(200, argv.interval));
      void client.request('events', { limit: 50, follow: true }, (e) => {
        state.events.push(e as BulwarkEvent);
        if (state.events.length > KEEP_EVENTS) state.events.splice(0, state.events.length - KEEP_EVENTS);
        drawSoon();
      }).catch((err: Error) => finish(EXIT.UNREACHABLE, `bulwark: the daemon went away (${err.message})`));
      void refresh();
    }));
  },
};

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export default monit;
