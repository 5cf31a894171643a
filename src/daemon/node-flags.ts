// V8 flags for the daemon process. A smaller young generation (4 MB semi-spaces instead of 16)
// keeps the daemon's RSS under 100 MB while it parses 10,000 lines/s (bench/tail.ts: ~106 MB with
// the default, ~96 MB with this), for a few more scavenges of short-lived per-line garbage.
// Measured and not taken (daemon CPU while it starts 300 apps, 3 runs each, 2026-12-02):
// --single-threaded-gc 4.5 ms per app against 4.3; --optimize-for-size and --lite-mode keep 4-6 MB
// less RssAnon but cost 4.6-4.8 ms per app (slower JS outweighs the cheaper forks).
// --max-semi-space-size=2 (2026-12-03, interleaved): ~1 MB less RssAnon with 1,000 beating apps
// (37-38 MB against 38-39) and 4-5 MB less RSS in bench/tail.ts, but `start` of 1,000 apps took
// ~0.2 s longer (median of 5: 4.17 s against 3.89 s; daemon CPU +0.12 s) and tailing ~5 % more CPU.
//
// --flush-baseline-code --bytecode-old-age=2: the start of a thousand apps leaves ~1 MB of
// Sparkplug code, and the bytecode of what only the start runs (the apply's validation, the table's
// setup), which V8 kept for good: it flushes baseline code only when asked, and bytecode after five
// full collections without a call, which an idle daemon takes a long time to reach. With both, what
// has not run for two full collections goes, and is compiled again, lazily, if it ever runs again.
// Interleaved, 2026-12-04, 1,000 beating apps, 60 s windows after a 30 s settle: RssAnon 36.4 and
// 37.4 MB against 39.4 and 40.6 (either flag alone: 38.7-39.1), idle CPU 3.3-3.8 % either way; a
// memory limit on every app: 0.47-0.50 % against 0.50-0.90 %; `start` of the beating apps, median
// of 5: 4.10 s against 4.05 s (runs of both spread over 3.94-4.14 s); bench/tail.ts, 10,000
// lines/s: 13.4-14.1 % CPU against 14.2-14.9 %, VmRSS max 89.5-94.1 MB against 88.6-88.9.
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=4', '--flush-baseline-code', '--bytecode-old-age=2'];

/**
 * glibc's malloc gives each thread that allocates (libuv's pool, V8's GC helpers) its own arena;
 * two arenas kept ~7 MB of the daemon's RSS off with a thousand apps (bench/scale.ts), and one keeps
 * ~1.2 MB more off (the second arena's ~2.4 MB, half of it free); the threads that share it allocate
 * little, so the shared lock costs nothing measurable at start or idle. Set for the
 * daemon only: the marker tells it to take the variable out again before any app inherits it, and
 * malloc settings the user made are left alone.
 */
const ARENA_MARK = 'BULWARK_DAEMON_ARENA_MAX';

/**
 * The malloc settings the daemon starts with. Fixed trim and mmap thresholds (glibc's own starting
 * values) stop glibc from raising them after the start of a thousand apps frees large blocks, so
 * freed memory goes back to the system: ~1.5 MB less RssAnon at 1,000 apps (38-39 MB, not 40).
 */
const DAEMON_MALLOC = { MALLOC_ARENA_MAX: '1', MALLOC_TRIM_THRESHOLD_: '131072', MALLOC_MMAP_THRESHOLD_: '131072' };

/** The environment to start the daemon with. */
export function daemonEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (Object.keys(DAEMON_MALLOC).some((k) => env[k] !== undefined)) return env;
  return { ...env, ...DAEMON_MALLOC, [ARENA_MARK]: '1' };
}

/** In the daemon, before the first app starts: what daemonEnv added is not the apps'. */
export function dropDaemonOnlyEnv(env: NodeJS.ProcessEnv = process.env): void {
  if (env[ARENA_MARK] !== '1') return;
  for (const k of Object.keys(DAEMON_MALLOC)) delete env[k];
  delete env[ARENA_MARK];
}
