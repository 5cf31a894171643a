// Restart-gap app: records when it starts (its first line) and exits, then crashes after 200 ms.
// Same app under every supervisor; the gap is next "start" - previous "exit" (one clock, one file).
// The last two fields: its parent (the supervisor) and the CPU time the parent's main thread has
// used so far (ms, /proc/PPID/schedstat): the supervisor's CPU per restart, which the host's load
// does not stretch as it stretches wall time.
const fs = require('fs');
const file = process.env.TS_FILE;
const ppid = process.ppid;
const parentCpuMs = () => {
  try {
    return (Number(fs.readFileSync(`/proc/${ppid}/schedstat`, 'latin1').split(' ')[0]) / 1e6).toFixed(3);
  } catch {
    return '-';
  }
};
fs.appendFileSync(file, `start ${Date.now()} ${Math.round(performance.timeOrigin)} ${process.pid} ${ppid} ${parentCpuMs()}\n`);
process.on('exit', () => fs.appendFileSync(file, `exit ${Date.now()} 0 ${process.pid} ${ppid} ${parentCpuMs()}\n`));
setTimeout(() => process.exit(1), 200);
