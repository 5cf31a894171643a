// App names known without asking the daemon (shell completion): those with captured output.
import { homePaths } from '../daemon/paths.js';
import { capturedApps } from '../common/capture-files.js';

export function capturedAppNames(): string[] {
  return capturedApps(homePaths().logsDir);
}
