// The CLI and the daemon as one bundle in dist/src/bundle/, which bin/bulwark loads. Loading the
// modules that tsc emits and the dependencies' own, one file each (506 for a `start`, the CLI's
// and the daemon's; 57 from the bundle), cost a command up to ~40 ms (--help, events), the
// daemon ~0.1 s of its start and 1-3 MB of memory (the modules' sources and scopes; measured in
// docs/operating.md, "How many apps, files and lines one daemon carries"). Its dynamic imports stay
// separate chunks, so a command still loads only what it uses. The bundle lies three levels under the
// package root, like dist/src/cli/, so the paths the code derives from import.meta.url (bin/bulwark,
// data/) hold in both. Identifiers are not shortened: stack traces keep their names.
// `status` gets a second entry, built apart and not split: one self-contained file that a plain
// `status` loads alone (src/cli/status-main.ts); it imports main.js only for other forms of `status`.
// Run after tsc (npm run build, prepack); the tsc output stays for the programmatic API.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const OUT = 'dist/src/bundle';
rmSync(OUT, { recursive: true, force: true });
const common = {
  outdir: OUT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  // The CommonJS dependencies (winston's family) call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as bundleCreateRequire } from 'node:module'; const require = bundleCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
};
const results = [
  await build({
    ...common,
    // read: the PM2 reader that src/config/pm2/env-origins.ts runs in a child, beside its caller.
    entryPoints: { main: 'dist/src/cli/main.js', read: 'dist/src/config/pm2/read.js' },
    splitting: true,
  }),
  await build({
    ...common,
    entryPoints: { 'status-main': 'dist/src/cli/status-main.js' },
    // Its way to the full CLI stays an import of the bundle's main.js, beside it.
    plugins: [{
      name: 'main-beside',
      setup: (b) => b.onResolve({ filter: /^\.\/main\.js$/ }, (a) => (a.importer.endsWith('/cli/status-main.js') ? { path: './main.js', external: true } : undefined)),
    }],
  }),
];
// A warning here (a require() esbuild cannot follow, say) means a bundle that fails at run time.
const warnings = results.reduce((n, r) => n + r.warnings.length, 0);
if (warnings > 0) {
  console.error(`bundle-cli: ${warnings} warning(s); fix them rather than ship the bundle`);
  process.exit(1);
}

// The bundle carries copies of its dependencies' code, so it carries their licences too.
const packages = new Set();
for (const input of results.flatMap((r) => Object.keys(r.metafile.inputs))) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.add(m[1]);
}
const notices = new Map(); // "name version" -> its section (a package nested twice is listed once)
for (const dir of packages) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `(the package ships no licence file; its package.json says ${pkg.license})`;
  notices.set(`${pkg.name} ${pkg.version}`, `## ${pkg.name} ${pkg.version} (${pkg.license})\n\n\`\`\`\n${text}\n\`\`\`\n`);
}
const sections = [...notices].sort((a, b) => a[0].localeCompare(b[0])).map((e) => e[1]);
writeFileSync(join(OUT, 'THIRD-PARTY-LICENSES.md'), `# Code bundled in dist/src/bundle/\n\nThe CLI's bundle holds code of these packages, each under its own licence:\n\n${sections.join('\n')}`);
