// Spawns a grandchild in its own process group; both ignore SIGTERM. Writes "<pid> <grandchild pid>" to PIDS_FILE.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
process.on('SIGTERM', () => {});
const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1 << 30)"], { stdio: 'ignore' });
child.on('spawn', () => writeFileSync(process.env.PIDS_FILE, `${process.pid} ${child.pid}`));
setInterval(() => {}, 1 << 30);
