// App names known without asking the daemon: those with captured output (shell completion), and
// those in the daemon's app tables (an app that has printed nothing yet has no capture file).
import { join } from 'node:path';
import { homePaths } from '../daemon/paths.js';
import { capturedApps } from '../common/capture-files.js';
import { readPrivateFile } from '../common/private-file.js';

export function capturedAppNames(): string[] {
  return capturedApps(homePaths().logsDir);
}

/** The apps of the live table (current.json) and the saved one (apps.json); unreadable tables count as empty. */
export function tableAppNames(stateDir: string): string[] {
  const names = ['current.json', 'apps.json'].flatMap((f) => {
    try {
      const apps = (JSON.parse(readPrivateFile(join(stateDir, f)) ?? '{}') as { config?: { apps?: { name?: unknown }[] } }).config?.apps;
      return Array.isArray(apps) ? apps.flatMap((a) => (typeof a?.name === 'string' ? [a.name] : [])) : [];
    } catch {
      return [];
    }
  });
  return [...new Set(names)].sort();
}
