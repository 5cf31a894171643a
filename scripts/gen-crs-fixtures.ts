// Turns the OWASP Core Rule Set regression tests into log lines: test/fixtures/third-party/crs/.
// Usage: node --import tsx scripts/gen-crs-fixtures.ts <coreruleset git dir or checkout>
//   (the `fetch` tool leaves a bare clone at /work/.mirror/coreruleset+coreruleset/repo)
// Writes access.log (nginx combined), app.jsonl (pino-http), cases.json (one entry per CRS test),
// LICENSE and SOURCE. The output is committed; tests read it and never need this script.
//
// Each CRS test is one HTTP request. The same request becomes:
// - an nginx `combined` line: form bodies move into the query string (access logs do not carry
//   bodies; a payload sent by GET lands in the same place), User-Agent and Referer keep theirs.
//   Tests whose payload sits where `combined` does not look (other headers, JSON/XML bodies) get no
//   access line;
// - a pino-http line: url, every request header (lower-cased, as Node gives them), and the body as
//   `req.body` (form bodies parsed like body-parser's urlencoded, JSON bodies parsed, others raw),
//   as an Express app with a body serializer logs it.
// A test is a must-trigger case ("attack") when CRS expects its rule to fire (expect_ids or
// log_contains), otherwise a no-trigger case. EXCLUDED lists the cases our standard reads otherwise;
// docs/detection.md explains the categories.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { CRS_EXCLUDED, CRS_FAMILY, CRS_INCLUDED } from './crs-exclusions.js';

const FAMILIES: Record<string, string> = {
  '913': 'scanner', '930': 'traversal', '931': 'rfi', '932': 'command-injection', '933': 'php',
  '934': 'generic', '941': 'xss', '942': 'sqli',
};
const OUT = join(import.meta.dirname, '../test/fixtures/third-party/crs');
const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
/** Headers every CRS test sends; they never carry the payload. */
const PLAIN_HEADERS = new Set(['host', 'accept', 'accept-encoding', 'accept-language', 'keep-alive', 'proxy-connection',
  'connection', 'content-type', 'content-length', 'cache-control']);

interface Input { method?: string; uri?: string; data?: string; headers?: Record<string, string>; version?: string }
interface Output { log?: { expect_ids?: number[]; no_expect_ids?: number[]; match_regex?: string; no_match_regex?: string } }
export interface CrsCase {
  test: string;
  rule: number;
  /** CRS paranoia level of the rule (1 = the default ruleset). */
  pl: number;
  family: string;
  expect: 'attack' | 'no-trigger';
  /** Why our standard reads this case otherwise (see scripts/crs-exclusions.ts); absent when it counts. */
  excluded?: string;
  /** 1-based line numbers in access.log / app.jsonl; null when that log cannot carry the payload. */
  access: number | null;
  json: number;
}

function source(repo: string): { dir: string; commit: string; cleanup: () => void } {
  const isGitDir = existsSync(join(repo, 'HEAD')) && existsSync(join(repo, 'objects'));
  const gitArgs = isGitDir ? ['--git-dir', repo] : ['-C', repo];
  const commit = spawnSync('git', [...gitArgs, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error(`${repo}: not a git repository`);
  const dir = mkdtempSync(join(tmpdir(), 'crs-'));
  const tar = spawnSync('sh', ['-c', 'git "$@" archive HEAD tests/regression/tests rules LICENSE | tar -x -C "$0"', dir, ...gitArgs]);
  if (tar.status !== 0) throw new Error(`git archive failed: ${tar.stderr.toString()}`);
  return { dir, commit, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Paranoia level per rule id, from the `paranoia-level/N` tag of each rule. */
function paranoiaLevels(rulesDir: string): Map<number, number> {
  const pl = new Map<number, number>();
  for (const f of readdirSync(rulesDir).filter((n) => n.endsWith('.conf'))) {
    for (const block of readFileSync(join(rulesDir, f), 'utf8').split(/\n(?=Sec(?:Rule|Action) )/)) {
      const id = /\bid:(\d+)/.exec(block);
      const level = /paranoia-level\/(\d)/.exec(block);
      if (id && level) pl.set(Number(id[1]), Number(level[1]));
    }
  }
  return pl;
}

/** What a client must percent-encode to put `s` in a request target (space, quote, #, controls, non-ASCII). */
function encodeTarget(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += b <= 0x20 || b >= 0x7f || b === 0x22 || b === 0x23 ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  }
  return out;
}

/** nginx `escape=default`: `"`, `\` and bytes outside printable ASCII as \xHH. */
function nginxEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += b < 0x20 || b >= 0x7f || b === 0x22 || b === 0x5c ? `\\x${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  }
  return out;
}

function isForm(contentType: string | undefined): boolean {
  return contentType === undefined || /^application\/x-www-form-urlencoded/i.test(contentType);
}

/** body-parser's urlencoded result (flat keys): `+` as space, percent-decoded once, bad escapes kept. */
function parseForm(data: string): Record<string, string> {
  const o: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(data)) o[k] = k in o ? `${o[k]},${v}` : v;
  return o;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function clfTime(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function main(): void {
  const repo = process.argv[2];
  if (!repo) throw new Error('usage: gen-crs-fixtures.ts <coreruleset git dir or checkout>');
  const src = source(repo);
  try {
    const pl = paranoiaLevels(join(src.dir, 'rules'));
    const testsDir = join(src.dir, 'tests/regression/tests');
    const access: string[] = [];
    const json: string[] = [];
    const cases: CrsCase[] = [];
    const used = new Set<string>();
    let t = Date.UTC(2024, 9, 10, 0, 0, 0);
    for (const dir of readdirSync(testsDir).sort()) {
      const family = FAMILIES[/^REQUEST-(\d{3})-/.exec(dir)?.[1] ?? ''];
      if (family === undefined) continue;
      for (const file of readdirSync(join(testsDir, dir)).filter((n) => n.endsWith('.yaml')).sort()) {
        const doc = YAML.parse(readFileSync(join(testsDir, dir, file), 'utf8')) as { rule_id: number; tests: { test_id: number; stages: { input: Input; output: Output }[] }[] };
        for (const test of doc.tests) {
          test.stages.forEach((stage, si) => {
            const id = `${doc.rule_id}-${test.test_id}${test.stages.length > 1 ? `.${si + 1}` : ''}`;
            const input = stage.input;
            const log = stage.output.log ?? {};
            const attack = (log.expect_ids?.length ?? 0) > 0 || log.match_regex !== undefined;
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = String(v);
            const method = input.method ?? 'GET';
            const uri = input.uri ?? '/';
            const ua = headers['user-agent'] === undefined || headers['user-agent'] === 'OWASP CRS test agent' ? BROWSER_UA : headers['user-agent'];
            headers['user-agent'] = ua;
            headers.host ??= 'localhost';
            const contentType = headers['content-type'];
            const data = input.data;
            const n = cases.length;
            const ip = `198.51.100.${1 + (n % 250)}`;
            t += 7_000;

            // Access line: only when every payload-carrying part is something `combined` logs.
            const otherHeaders = Object.keys(headers).filter((h) => !PLAIN_HEADERS.has(h) && h !== 'user-agent' && h !== 'referer');
            let accessNo: number | null = null;
            if (otherHeaders.length === 0 && (data === undefined || isForm(contentType))) {
              let target = encodeTarget(uri);
              if (data !== undefined && data.length > 0) target += (target.includes('?') ? '&' : '?') + encodeTarget(data);
              access.push(`${ip} - - [${clfTime(t)}] "${nginxEscape(`${method} ${target} HTTP/1.1`)}" 200 ${512 + (n % 4000)} "${nginxEscape(headers.referer ?? '-')}" "${nginxEscape(ua)}"`);
              accessNo = access.length;
            }

            let body: unknown;
            if (data !== undefined && data.length > 0) {
              if (isForm(contentType)) body = parseForm(data);
              else if (/json/i.test(contentType ?? '')) {
                try { body = JSON.parse(data); } catch { body = data; }
              } else body = data;
            }
            const req: Record<string, unknown> = { id: n + 1, method, url: uri, query: {}, params: {}, headers };
            if (body !== undefined) req.body = body;
            req.remoteAddress = `::ffff:${ip}`;
            req.remotePort = 40000 + (n % 20000);
            json.push(JSON.stringify({ level: 30, time: t, pid: 4242, hostname: 'web-1', req, res: { statusCode: 200 }, responseTime: 3 + (n % 40), msg: 'request completed' }));

            const rule = Number(doc.rule_id);
            const level = pl.get(rule) ?? 1;
            const testId = id.replace(/\.\d+$/, '');
            const c: CrsCase = { test: id, rule, pl: level, family: CRS_FAMILY.get(testId) ?? family, expect: attack ? 'attack' : 'no-trigger', access: accessNo, json: json.length };
            if (CRS_FAMILY.has(testId)) used.add(`family ${testId}`);
            // An "attack:" reason speaks of no-trigger tests, every other reason of must-trigger ones: a
            // rule's (or a range's) no-trigger tests stay benign samples.
            const applies = (key: string) => CRS_EXCLUDED.has(key) && CRS_EXCLUDED.get(key)!.startsWith('attack:') !== attack;
            const key = applies(testId) ? testId : applies(String(rule)) ? String(rule) : undefined;
            if (CRS_EXCLUDED.has(testId)) used.add(testId);
            if (CRS_INCLUDED.has(testId)) used.add(`included ${testId}`);
            else if (key !== undefined) {
              c.excluded = CRS_EXCLUDED.get(key);
              used.add(key);
            } else if (level >= 3 && attack) c.excluded = 'paranoia: a paranoia-level 3-4 rule (character counts, fragments)';
            cases.push(c);
          });
        }
      }
    }
    const unused = [...CRS_EXCLUDED.keys(), ...[...CRS_INCLUDED].map((t) => `included ${t}`), ...[...CRS_FAMILY.keys()].map((t) => `family ${t}`)].filter((k) => !used.has(k));
    if (unused.length > 0) throw new Error(`exclusions that match no test: ${unused.join(', ')}`);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'access.log'), access.join('\n') + '\n');
    writeFileSync(join(OUT, 'app.jsonl'), json.join('\n') + '\n');
    writeFileSync(join(OUT, 'cases.json'), '[\n' + cases.map((c) => JSON.stringify(c)).join(',\n') + '\n]\n');
    writeFileSync(join(OUT, 'LICENSE'), readFileSync(join(src.dir, 'LICENSE')));
    writeFileSync(join(OUT, 'SOURCE'), [
      'Repository: https://github.com/coreruleset/coreruleset',
      `Commit: ${src.commit}`,
      'Path: tests/regression/tests/REQUEST-{913,930,931,932,933,934,941,942}-*/*.yaml (request inputs and expected rule ids); rules/*.conf (paranoia levels)',
      'License: Apache-2.0 (LICENSE)',
      'Transformed by scripts/gen-crs-fixtures.ts into access.log (nginx combined), app.jsonl (pino-http) and cases.json.',
      '',
    ].join('\n'));
    console.log(`${cases.length} CRS tests -> ${access.length} access lines, ${json.length} JSON lines (commit ${src.commit})`);
  } finally {
    src.cleanup();
  }
}

main();
