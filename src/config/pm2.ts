// PM2 ecosystem files (ecosystem.config.js|cjs|json) -> bulwark apps. Filled in by the PM2 migration work.
import { ConfigError } from './errors.js';
import type { LoadedConfig } from './load.js';

export async function loadPm2Ecosystem(file: string, _env: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  throw new ConfigError([{ file, path: '', message: 'PM2 ecosystem files are not supported yet' }]);
}
