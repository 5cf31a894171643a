// V8 flags for the daemon process. A smaller young generation (4 MB semi-spaces instead of 16)
// keeps the daemon's RSS under 100 MB while it parses 10,000 lines/s (bench/tail.ts: ~106 MB with
// the default, ~96 MB with this), for a few more scavenges of short-lived per-line garbage.
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=4'];
