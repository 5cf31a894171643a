// Commands that read a config file themselves (`forward test --config`, `alert test --config`):
// a bad file gets the same located errors and exit 78 as `config check`.
import type { CliIO } from './command.js';
import { EXIT } from './command.js';
import type { BulwarkConfig } from '../config/schema/index.js';

export async function loadConfigOrReport(file: string, io: CliIO): Promise<BulwarkConfig | number> {
  const [{ loadConfigFile }, { ConfigError, formatIssue }] = await Promise.all([import('../config/load.js'), import('../config/errors.js')]);
  try {
    return (await loadConfigFile(file)).config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const issue of err.issues) io.err(formatIssue(issue));
    io.err(`${err.issues.length} error(s) in ${file}`);
    return EXIT.CONFIG;
  }
}
