// Appends "start <ms> <pid>" to RUNS_FILE, then exits with EXIT_CODE after CRASH_AFTER ms.
// On run number STABLE_RUN (1-based) it stays up STABLE_FOR ms first (to pass minUptime).
import { appendFileSync, readFileSync } from 'node:fs';
const file = process.env.RUNS_FILE;
appendFileSync(file, `start ${Date.now()} ${process.pid}\n`);
const run = readFileSync(file, 'utf8').trim().split('\n').length;
const stable = Number(process.env.STABLE_RUN ?? 0) === run;
setTimeout(() => process.exit(Number(process.env.EXIT_CODE ?? 1)),
  stable ? Number(process.env.STABLE_FOR ?? 2000) : Number(process.env.CRASH_AFTER ?? 0));
