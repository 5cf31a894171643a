// Leaves processes behind that are not in its process group: a Node child spawned detached (its
// own session) that ignores SIGTERM, and a `setsid sleep` started by a shell that exits at once
// (a daemonized grandchild, reparented away from the app). Appends "<pid> <child> <daemon>" to
// PIDS_FILE once both run; then idles, or exits with code 1 after EXIT_AFTER ms.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
const stubborn = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1 << 30)"], { detached: true, stdio: 'ignore' });
stubborn.unref();
const daemon = execFileSync('/bin/sh', ['-c', 'setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' }).trim();
stubborn.once('spawn', () => {
  appendFileSync(process.env.PIDS_FILE, `${process.pid} ${stubborn.pid} ${daemon}\n`);
  if (process.env.EXIT_AFTER) setTimeout(() => process.exit(1), Number(process.env.EXIT_AFTER));
});
setInterval(() => {}, 1 << 30);
