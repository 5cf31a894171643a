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
// Times are the system-wide monotonic clock (process.hrtime: CLOCK_MONOTONIC, the same in every
// process) in ms to the microsecond: Date.now() has whole milliseconds (1 % of a 100 ms gap, as
// large as the differences the bench is after) and the wall clock can be slewed or stepped.
// The process origin (where its boot starts) is that clock less performance.now().
const now = () => Number(process.hrtime.bigint()) / 1e6;
const t = now();
fs.appendFileSync(file, `start ${t.toFixed(3)} ${(t - performance.now()).toFixed(3)} ${process.pid} ${ppid} ${parentCpuMs()}\n`);
process.on('exit', () => fs.appendFileSync(file, `exit ${now().toFixed(3)} 0 ${process.pid} ${ppid} ${parentCpuMs()}\n`));
setTimeout(() => process.exit(1), 200);
