// Hang app: heartbeats for 1 s (bulwark's IPC heartbeat; harmless elsewhere), then busy-loops forever.
const fs = require('fs');
const file = process.env.TS_FILE;
fs.appendFileSync(file, `start ${Date.now()} 0 ${process.pid}\n`);
const beat = () => {
  if (process.send) process.send({ bulwark: 'heartbeat' });
  fs.appendFileSync(file, `beat ${Date.now()} 0 ${process.pid}\n`);
};
beat();
const timer = setInterval(beat, 250);
setTimeout(() => { clearInterval(timer); beat(); for (;;) { /* hung: 100% CPU, event loop never returns */ } }, 1000);
