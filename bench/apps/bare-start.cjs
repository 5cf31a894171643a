// The floor for starting many apps: the smallest Node parent that forks `count` copies of a command
// the way the daemon does (stdin ignored, stdout and stderr piped and read, each in its own process
// group), then waits until every copy has lived `minUptimeMs`. Prints one JSON line with wall-clock
// times (ms since the epoch): when the last copy was spawned and when all had survived, and this
// process's own CPU time until then (ms, its boot included); then ends them.
// BARE_START_CHANNEL=1 adds the heartbeat apps' IPC channel as the daemon gives it: a socketpair at
// fd 3, read and never written.
// Usage: node bare-start.cjs <count> <minUptimeMs> <command> [args...]
const { spawn } = require('child_process');
const [count, minUptimeMs, file, ...args] = process.argv.slice(2);
const stdio = process.env.BARE_START_CHANNEL === '1' ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'];
const children = [];
let exited = 0;
for (let i = 0; i < Number(count); i++) {
  const child = spawn(file, args, { detached: true, stdio });
  for (const pipe of child.stdio) pipe?.resume();
  child.on('exit', () => { exited++; });
  children.push(child);
}
const spawnedAt = Date.now();
setTimeout(() => {
  const survivedAt = Date.now();
  const cpu = process.cpuUsage();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(`${JSON.stringify({ spawnedAt, survivedAt, survived: children.length - exited, cpuMs })}\n`);
  for (const child of children) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
  process.exit(0);
}, Number(minUptimeMs));
