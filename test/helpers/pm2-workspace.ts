// The real PM2 files of test/fixtures/third-party/pm2, each copied into a throw-away directory with
// stub scripts where the file points (so PM2 and bulwark both find them) and a stub dotenv module.
// Shared by test/config/pm2-real-files.test.ts and scripts/pm2-expected.ts (which runs PM2).
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures/third-party/pm2');

export interface Pm2Case {
  /** Directory under FIXTURES: the repository's root. */
  id: string;
  /** The PM2 file, relative to the root. */
  file: string;
  /** Where `pm2 start` runs, relative to the root (default: the file's directory). */
  runFrom?: string;
  /** `--env NAME`. */
  env?: string;
  /** Files and (trailing /) directories the file refers to, relative to the root. */
  stubs?: string[];
}

export const PM2_CASES: Pm2Case[] = [
  { id: '17koa-koa2-startkit', file: 'pm2.json', stubs: ['bin/production.js'] },
  { id: '186526-unpkg', file: 'pm2.json', env: 'production', stubs: ['server.js'] },
  { id: '18F-hud-disaster-data', file: 'process.json', stubs: ['lib/controllers/index.js'] },
  { id: 'MaxCieplinski-Circuit-managment-website', file: 'ecosystem.config.js', stubs: ['server.js'] },
  { id: 'Phoscur-philo', file: 'ecosystem.config.cjs', stubs: ['dist/main.js', '.env'] },
  { id: 'Romeobluesky-xconnect_verify', file: 'ecosystem.config.js' },
  { id: 'Sebastian-105-Sebastian-105.github.io', file: 'ecosystem.config.js', env: 'production', stubs: ['index.js'] },
  { id: 'Yamamoto-2-tsugu-bangdream-bot', file: 'backend/ecosystem.config.js', stubs: ['backend/logs/'] },
  { id: 'alikia2x-cvsa', file: 'ecosystem.config.mjs', stubs: ['packages/crawler/src/jobAdder.wrapper.ts', 'packages/crawler/src/worker.ts', 'packages/crawler/src/filterWorker.wrapper.ts', 'ml/api/start.py'] },
  { id: 'code-chat-br-whatsapp-api', file: 'ecosystem.config.mjs' },
  { id: 'ingeniumhq-ingeniumfe', file: 'ecosystem.config.js', env: 'production' },
  { id: 'jiwonio-express-ejs', file: 'ecosystem.config.js', stubs: ['bin/www'] },
  { id: 'k-flynn-webdev-app-is-it-up', file: 'server/config/pm2.config.js', runFrom: 'server', env: 'production', stubs: ['server/app.js'] },
  { id: 'louislam-uptime-kuma', file: 'ecosystem.config.js', stubs: ['server/server.js'] },
  { id: 'nkofl-sails-1.0-template', file: 'ecosystem.config.js', stubs: ['app.js', 'logs/'] },
  { id: 'pinknetworkx-eosio-contract-api', file: 'config/pm2/pm2-dev-process.config.js', runFrom: '.', stubs: ['build/main.bundle.js', 'logs/'] },
  { id: 'totoroterror-VK2DS-Retranslator', file: 'ecosystem.config.js', env: 'development', stubs: ['dist/index.js'] },
];

export interface Workspace { root: string; file: string; runFrom: string; cleanup(): void }

const STUB_TEXT: Record<string, string> = {
  '.py': 'import time\nwhile True:\n    time.sleep(60)\n',
  '.sh': '#!/bin/bash\nsleep 600\n',
  '.ts': 'setInterval(() => {}, 60_000);\n',
};

export function makeWorkspace(c: Pm2Case): Workspace {
  const root = mkdtempSync(join(tmpdir(), `pm2-${c.id.slice(0, 20)}-`));
  cpSync(join(FIXTURES, c.id), root, { recursive: true });
  for (const stub of c.stubs ?? []) {
    const path = join(root, stub);
    if (stub.endsWith('/')) { mkdirSync(path, { recursive: true }); continue; }
    mkdirSync(dirname(path), { recursive: true });
    const ext = /\.[a-z]+$/.exec(stub)?.[0] ?? '';
    writeFileSync(path, STUB_TEXT[ext] ?? (stub.endsWith('.env') ? '' : 'setInterval(() => {}, 60_000);\n'));
    if (ext === '.sh') chmodSync(path, 0o755);
  }
  // Files that load dotenv get a stub that sets nothing (no .env is read in tests).
  const dotenv = join(root, 'node_modules', 'dotenv');
  mkdirSync(dotenv, { recursive: true });
  writeFileSync(join(dotenv, 'package.json'), '{"name":"dotenv","version":"0.0.0","main":"main.js","exports":{".":"./main.js","./config":"./config.js","./package.json":"./package.json"}}');
  writeFileSync(join(dotenv, 'main.js'), 'module.exports = { config() { return { parsed: {} }; } };\n');
  writeFileSync(join(dotenv, 'config.js'), '');
  const file = join(root, c.file);
  return { root, file, runFrom: join(root, c.runFrom ?? dirname(c.file)), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
