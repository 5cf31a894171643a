// Apps started from one shell carry the same environment (callerEnv, the caller's shell for each
// app), and a request or a saved table holds one copy per app: a thousand apps, a thousand copies
// of the same few kilobytes. Equal environments become one shared object (configs are not mutated
// after they arrive).
import type { AppConfig } from '../config/schema/index.js';

export function shareCallerEnvs(apps: readonly AppConfig[]): void {
  const seen = new Map<string, Record<string, string>>();
  for (const app of apps) {
    if (app.callerEnv === undefined) continue;
    const key = JSON.stringify(app.callerEnv);
    const shared = seen.get(key);
    if (shared === undefined) seen.set(key, app.callerEnv);
    else app.callerEnv = shared;
  }
}
