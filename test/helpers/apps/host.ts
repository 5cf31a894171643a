// Runs a Supervisor in its own process (for tests that SIGKILL or SIGSTOP the supervisor):
// argv = home, app JSON (one app or an array). Prints "ready" once every app is online, then one
// line "event <json>" per event.
import { join } from 'node:path';
import { appSchema } from '../../../src/config/schema/apps.js';
import { Supervisor } from '../../../src/supervisor/index.js';

const [home, appJson] = process.argv.slice(2);
const sup = new Supervisor({
  logsDir: join(home!, 'logs'), stateDir: join(home!, 'state'),
  emit: (e) => { process.stdout.write(`event ${JSON.stringify(e)}\n`); },
});
const parsed = JSON.parse(appJson!) as unknown;
const apps = (Array.isArray(parsed) ? parsed : [parsed]).map((a) => appSchema.parse(a));
for (const app of apps) sup.add(app);
for (const app of apps) await sup.start(app.name);
console.log('ready');
setInterval(() => {}, 1 << 30);
