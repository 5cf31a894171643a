// The real PM2 files of test/fixtures/third-party/pm2, each copied into a throw-away directory with
// stub scripts where the file points (so PM2 and bulwark both find them), stand-ins for programs
// this machine lacks (bun, deno, yarn) and a stub dotenv module.
// Shared by test/config/pm2-real-files.test.ts, test/config/pm2-agree.test.ts and
// scripts/pm2-expected.ts (which runs PM2).
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures/third-party/pm2');

export interface Pm2Case {
  /** Directory under FIXTURES: the repository's root. */
  id: string;
  /** Names expected/<key>.json when one repository gives several files (default: id). */
  key?: string;
  /** The PM2 file, relative to the root. */
  file: string;
  /** Where `pm2 start` runs, relative to the root (default: the file's directory). */
  runFrom?: string;
  /** `--env NAME`. */
  env?: string;
  /** Files and (trailing /) directories the file refers to, relative to the root. */
  stubs?: string[];
  /** Programs the file refers to, relative to the root (a venv's python): executable stubs. */
  executables?: string[];
  /** Programs it runs from PATH that this machine may lack: stand-ins first on PATH, for PM2 and bulwark. */
  tools?: string[];
}

export const caseKey = (c: Pm2Case): string => c.key ?? c.id;

/** An env value with the caller's PATH and HOME (which a JS file may read) as <PATH> and <HOME>. */
export function callerPlaceholders(value: string, caller: { PATH?: string | undefined; HOME?: string | undefined }): string {
  let v = value;
  if (caller.PATH) v = v.split(caller.PATH).join('<PATH>');
  if (caller.HOME) v = v.split(caller.HOME).join('<HOME>');
  return v;
}

export const PM2_CASES: Pm2Case[] = [
  { id: '17koa-koa2-startkit', file: 'pm2.json', stubs: ['bin/production.js'] },
  { id: '186526-unpkg', file: 'pm2.json', env: 'production', stubs: ['server.js'] },
  { id: '18F-hud-disaster-data', file: 'process.json', stubs: ['lib/controllers/index.js'] },
  { id: 'MaxCieplinski-Circuit-managment-website', file: 'ecosystem.config.js', stubs: ['server.js'] },
  { id: 'Phoscur-philo', file: 'ecosystem.config.cjs', stubs: ['dist/main.js', '.env'] },
  { id: 'Romeobluesky-xconnect_verify', file: 'ecosystem.config.js', stubs: ['package.json'] },
  { id: 'Sebastian-105-Sebastian-105.github.io', file: 'ecosystem.config.js', env: 'production', stubs: ['index.js'] },
  { id: 'Yamamoto-2-tsugu-bangdream-bot', file: 'backend/ecosystem.config.js', stubs: ['backend/logs/'], executables: ['backend/node_modules/.bin/ts-node'] },
  { id: 'alikia2x-cvsa', file: 'ecosystem.config.mjs', tools: ['bun'], stubs: ['packages/crawler/src/jobAdder.wrapper.ts', 'packages/crawler/src/worker.ts', 'packages/crawler/src/filterWorker.wrapper.ts', 'ml/api/start.py'] },
  { id: 'code-chat-br-whatsapp-api', file: 'ecosystem.config.mjs', stubs: ['package.json'] },
  { id: 'ingeniumhq-ingeniumfe', file: 'ecosystem.config.js', env: 'production', stubs: ['package.json'] },
  { id: 'jiwonio-express-ejs', file: 'ecosystem.config.js', stubs: ['bin/www'] },
  { id: 'k-flynn-webdev-app-is-it-up', file: 'server/config/pm2.config.js', runFrom: 'server', env: 'production', stubs: ['server/app.js'] },
  { id: 'louislam-uptime-kuma', file: 'ecosystem.config.js', stubs: ['server/server.js'] },
  { id: 'nkofl-sails-1.0-template', file: 'ecosystem.config.js', stubs: ['app.js', 'logs/'] },
  { id: 'pinknetworkx-eosio-contract-api', file: 'config/pm2/pm2-dev-process.config.js', runFrom: '.', stubs: ['build/main.bundle.js', 'logs/'] },
  { id: 'totoroterror-VK2DS-Retranslator', file: 'ecosystem.config.js', env: 'development', stubs: ['dist/index.js'] },
  { id: 'ArtCodeStudio-markus-morische-rechtsanwalt-website', key: 'ArtCodeStudio-markus-morische-rechtsanwalt-website-backend', file: 'backend/pm2.prod.config.js', tools: ['deno'] },
  { id: 'ArtCodeStudio-markus-morische-rechtsanwalt-website', key: 'ArtCodeStudio-markus-morische-rechtsanwalt-website-theme', file: 'theme/pm2.prod.config.js', tools: ['yarn'] },
  { id: 'Azure-Samples-nodejs-docs-hello-world', file: 'process.json', stubs: ['index.js'] },
  { id: 'Fredkiss3-gh-next', file: 'ecosystem.config.cjs', stubs: ['.next/standalone/server.js'] },
  { id: 'Opizontas-Studio-jsbot', file: 'ecosystem.config.cjs', stubs: ['src/index.js', 'logs/'] },
  { id: 'P0sseid0n-pomoshot', file: 'backend/pm2.config.js', tools: ['bun'], stubs: ['backend/src/index.ts'] },
  { id: 'P0sseid0n-pomoshot', key: 'P0sseid0n-pomoshot-ecosystem', file: 'backend/ecosystem.config.cjs', tools: ['bun'] },
  { id: 'artiemis-artemis', file: 'ecosystem.config.js', stubs: ['bot.py'], executables: ['env/bin/python'] },
  { id: 'boardgamers-boardgamers-mono', file: 'ecosystem.config.cjs', stubs: ['apps/web/build/index.js', 'apps/game-server/package.json', 'apps/api/package.json'] },
  { id: 'chupapee-telegram-stories-viewer-bot', file: 'ecosystem.config.js', stubs: ['dist/index.js'] },
  { id: 'cubedro-eth-net-intelligence-api', file: 'app.json', stubs: ['app.js'] },
  { id: 'hagopj13-node-express-boilerplate', file: 'ecosystem.config.json', stubs: ['src/index.js'] },
  { id: 'huasenjio-huasenjio-compose', file: 'huasen-server/ecosystem.config.js', stubs: ['huasen-server/app.js'] },
  { id: 'mimamch-wa-gateway', file: 'ecosystem.config.js', stubs: ['index.js'] },
  { id: 'mixmaster1989-tgbotikar', file: 'ecosystem.config.js', stubs: ['bot.js', 'logs/'] },
  { id: 'r-publishing-rpub-bot', file: 'ecosystem.config.js', env: 'production', tools: ['yarn'] },
  { id: 'titan-organisation-next-gen-girgaon', file: 'ecosystem.config.js', env: 'production', stubs: ['package.json'] },
  { id: 'ucfopen-Obojobo', file: 'docker/obojobo-pm2-server-src/ecosystem.config.js', stubs: ['docker/obojobo-pm2-server-src/index.js'] },
  { id: 'vbeats-vnode', file: 'ecosystem.config.js', stubs: ['packages/backend/dist/main.js', 'packages/web/.output/server/index.mjs'] },
  { id: 'vuestorefront-vue-storefront', file: 'ecosystem.json', stubs: ['core/scripts/server.ts'], executables: ['node_modules/.bin/ts-node'] },
  { id: 'vuestorefront-vue-storefront-api', file: 'ecosystem.json', stubs: ['dist/src/index.js', 'dist/src/worker/order_to_magento2.js'] },
  { id: 'whyour-qinglong', file: 'ecosystem.config.js', stubs: ['static/build/app.js'] },
  { id: 'yoimiya-kokomi-Miao-Yunzai', file: 'config/pm2/pm2.json', runFrom: '.', stubs: ['app.js'] },
];

export interface Workspace {
  root: string; file: string; runFrom: string;
  /** PATH for PM2 and bulwark: the stand-in tools, then this process's PATH. */
  path: string;
  cleanup(): void;
}

const STUB_TEXT: Record<string, string> = {
  '.py': 'import time\nwhile True:\n    time.sleep(60)\n',
  '.sh': '#!/bin/bash\nsleep 600\n',
  '.ts': 'setInterval(() => {}, 60_000);\n',
};

/** For `npm start` / `npm run start:prod`: the scripts these files run, each one idling. */
const PACKAGE_STUB = `${JSON.stringify({ name: 'stub', private: true, scripts: Object.fromEntries(['start', 'start:prod'].map((k) => [k, 'node -e "setInterval(() => {}, 60000)"'])) }, null, 2)}\n`;

/** Runs as itself (sh) and under node alike, as PM2 runs a text file without extension (yarn) with
 * node; it stays up without exec, so its command line stays what was spawned. */
const PROGRAM_STUB = '#!/bin/sh\n//bin/true; while :; do sleep 600; done\nsetInterval(() => {}, 60_000);\n';

export function makeWorkspace(c: Pm2Case): Workspace {
  const root = mkdtempSync(join(tmpdir(), `pm2-${c.id.slice(0, 20)}-`));
  cpSync(join(FIXTURES, c.id), root, { recursive: true });
  for (const stub of c.stubs ?? []) {
    const path = join(root, stub);
    if (stub.endsWith('/')) { mkdirSync(path, { recursive: true }); continue; }
    mkdirSync(dirname(path), { recursive: true });
    const ext = /\.[a-z]+$/.exec(stub)?.[0] ?? '';
    writeFileSync(path, stub.endsWith('package.json') ? PACKAGE_STUB : STUB_TEXT[ext] ?? (stub.endsWith('.env') ? '' : 'setInterval(() => {}, 60_000);\n'));
    if (ext === '.sh') chmodSync(path, 0o755);
  }
  const program = (path: string) => { mkdirSync(dirname(path), { recursive: true }); writeFileSync(path, PROGRAM_STUB, { mode: 0o755 }); };
  for (const exe of c.executables ?? []) program(join(root, exe));
  const tools = join(root, '.stand-in-bin');
  for (const tool of c.tools ?? []) program(join(tools, tool));
  // Files that load dotenv get a stub that sets nothing (no .env is read in tests).
  const dotenv = join(root, 'node_modules', 'dotenv');
  mkdirSync(dotenv, { recursive: true });
  writeFileSync(join(dotenv, 'package.json'), '{"name":"dotenv","version":"0.0.0","main":"main.js","exports":{".":"./main.js","./config":"./config.js","./package.json":"./package.json"}}');
  writeFileSync(join(dotenv, 'main.js'), 'module.exports = { config() { return { parsed: {} }; } };\n');
  writeFileSync(join(dotenv, 'config.js'), '');
  const file = join(root, c.file);
  const path = [...(c.tools?.length ? [tools] : []), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter);
  return { root, file, runFrom: join(root, c.runFrom ?? dirname(c.file)), path, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
