// Sends heartbeats (logging each to BEATS_FILE), then after BUSY_AFTER ms spins forever.
// Its SIGTERM handler can never run while it spins: only SIGKILL ends it.
import { appendFileSync } from 'node:fs';
process.on('SIGTERM', () => { appendFileSync(process.env.BEATS_FILE, 'sigterm handled\n'); });
const beat = () => {
  process.send?.({ bulwark: 'heartbeat' });
  appendFileSync(process.env.BEATS_FILE, `beat ${Date.now()} ${process.pid}\n`);
};
beat();
setInterval(beat, 200).unref();
setTimeout(() => { for (;;) {} }, Number(process.env.BUSY_AFTER ?? 1000));
setInterval(() => {}, 1 << 30);
