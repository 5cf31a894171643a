// Runs an AlertManager in its own process so a test can SIGKILL it: config JSON and stateDir in argv,
// events in as JSON lines on stdin, emitted AlertEvents out as JSON lines on stdout.
import { createInterface } from 'node:readline';
import { AlertManager } from '../../../src/alerts/index.js';
import { alertsSchema } from '../../../src/config/schema/alerts.js';
import type { BulwarkEvent } from '../../../src/events/types.js';

const [raw, stateDir] = process.argv.slice(2) as [string, string];
const manager = new AlertManager(alertsSchema.parse(JSON.parse(raw)), {
  stateDir, hostname: 'childhost', emit: (e) => process.stdout.write(`${JSON.stringify(e)}\n`),
});
await manager.start();
process.stdout.write(`${JSON.stringify({ ready: true, pending: manager.pendingCount() })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'pending') process.stdout.write(`${JSON.stringify({ pending: manager.pendingCount() })}\n`);
  else manager.accept(JSON.parse(line) as BulwarkEvent);
});
setInterval(() => {}, 1 << 30);
