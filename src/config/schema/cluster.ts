// PM2's multi-instance keys (SPEC "Added in the second round"), parsed and validated here so the
// cluster mode that uses them can rely on their shape. Until it lands, one process runs per app
// and `start` says so (see docs/pm2.md "instances").
import { z } from 'zod';
import { duration } from './units.js';

export const clusterKeys = {
  /** N processes, or `max` / -1 / 0 for one per CPU (PM2's meanings). */
  instances: z.union([z.number().int().min(-1), z.literal('max')]).optional(),
  /** The app signals readiness with process.send('ready'), as in PM2. */
  wait_ready: z.boolean().optional(),
  /** How long to wait for readiness (or a listen) before judging the start. */
  listen_timeout: duration.optional(),
  /** The env variable holding the 0-based instance number (PM2: NODE_APP_INSTANCE). */
  instance_var: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
  /** An env variable incremented per instance (PM2's increment_var, e.g. PORT). */
  increment_var: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
  /** Stop by process.send('shutdown') instead of a signal. */
  shutdown_with_message: z.boolean().optional(),
};
