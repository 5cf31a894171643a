// Runs a Supervisor in its own process (for the daemon-SIGKILL orphan test): argv = home, app JSON.
// Prints "ready" once the app is online.
import { join } from 'node:path';
import { appSchema } from '../../../src/config/schema/apps.js';
import { Supervisor } from '../../../src/supervisor/index.js';

const [home, appJson] = process.argv.slice(2);
const sup = new Supervisor({ logsDir: join(home!, 'logs'), stateDir: join(home!, 'state'), emit: () => {} });
const app = appSchema.parse(JSON.parse(appJson!));
sup.add(app);
await sup.start(app.name);
console.log('ready');
setInterval(() => {}, 1 << 30);
