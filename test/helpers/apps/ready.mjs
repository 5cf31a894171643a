// Readiness and graceful-stop behaviours, chosen by env: READY_AFTER_MS sends process.send('ready')
// after that long (unset: never); PORT (+ LISTEN_AFTER_MS) serves HTTP; on process.send('shutdown')
// it writes SHUTDOWN_FILE and exits 0, unless STUBBORN=1, which also ignores SIGTERM and SIGINT.
import http from 'node:http';
import { writeFileSync } from 'node:fs';
const env = process.env;
if (env.READY_AFTER_MS !== undefined) setTimeout(() => process.send?.('ready'), Number(env.READY_AFTER_MS));
if (env.PORT !== undefined) {
  setTimeout(() => http.createServer((q, s) => s.end(`${process.pid} ${env.PORT}\n`)).listen(Number(env.PORT), '127.0.0.1'), Number(env.LISTEN_AFTER_MS ?? 0));
}
process.on('message', (m) => {
  if (m !== 'shutdown') return;
  if (env.SHUTDOWN_FILE) writeFileSync(env.SHUTDOWN_FILE, `shutdown ${process.pid}\n`);
  if (env.STUBBORN !== '1') process.exit(0);
});
if (env.STUBBORN === '1') { process.on('SIGTERM', () => {}); process.on('SIGINT', () => {}); }
setInterval(() => {}, 1 << 30);
