// A process that runs one TailSource and durably accepts what it reads: each batch is appended to
// an output file ("#<count>" then the lines) and only then committed. The restart test SIGKILLs it.
// Config: JSON in argv[2]: { dir, stateDir, out, patterns }.
import { appendFileSync } from 'node:fs';
import { TailSource } from '../../../../src/logs/tail/index.js';

const cfg = JSON.parse(process.argv[2]!) as { dir: string; stateDir: string; out: string; patterns: string[] };
const source = new TailSource({
  app: 'child', patterns: cfg.patterns, cwd: cfg.dir, stateDir: cfg.stateDir, pollMs: 100,
  onError: (e) => process.stderr.write(`${e.code} ${e.message}\n`),
  onBatch(b) {
    appendFileSync(cfg.out, `#${b.lines.length}\n${b.lines.join('\n')}\n`);
    b.commit();
  },
});
await source.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => { void source.stop().then(() => process.exit(0)); });
