// Restart-gap app: records when it starts (its first line) and exits, then crashes after 200 ms.
// Same app under every supervisor; the gap is next "start" - previous "exit" (one clock, one file).
const fs = require('fs');
const file = process.env.TS_FILE;
fs.appendFileSync(file, `start ${Date.now()} ${Math.round(performance.timeOrigin)} ${process.pid}\n`);
process.on('exit', () => fs.appendFileSync(file, `exit ${Date.now()} 0 ${process.pid}\n`));
setTimeout(() => process.exit(1), 200);
