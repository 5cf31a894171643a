// The floor: the smallest possible supervisor. Runs `count` copies of the app (default 1) and
// respawns each on 'exit' with no delay, no wrapper, no bookkeeping. BARE_LOOP_CAPTURE=1 gives
// each copy what a supervisor that keeps the app's output gives it: stdout and stderr piped (and
// read), its own process group.
const { spawn } = require('child_process');
const script = process.argv[2];
const count = Number(process.argv[3] || 1);
const capture = process.env.BARE_LOOP_CAPTURE === '1';
const options = capture ? { stdio: ['ignore', 'pipe', 'pipe'], detached: true } : { stdio: 'ignore' };
const start = () => {
  const child = spawn(process.execPath, [script], options).on('exit', start);
  if (capture) { child.stdout.resume(); child.stderr.resume(); }
};
for (let i = 0; i < count; i++) start();
