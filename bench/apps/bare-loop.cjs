// The floor: the smallest possible supervisor. Runs `count` copies of the app (default 1) and
// respawns each on 'exit' with no delay, no wrapper, no bookkeeping.
const { spawn } = require('child_process');
const script = process.argv[2];
const count = Number(process.argv[3] || 1);
const start = () => spawn(process.execPath, [script], { stdio: 'ignore' }).on('exit', start);
for (let i = 0; i < count; i++) start();
