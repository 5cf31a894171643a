// node-cron holds ~1 MB of heap once loaded: it is loaded at the first cron expression (validated
// by the config schema, scheduled by the supervisor), not by every CLI run and daemon. Synchronous
// (its CommonJS build), because a schema check cannot wait; one copy serves both users.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function nodeCron(): typeof import('node-cron') {
  return require('node-cron') as typeof import('node-cron');
}
