// Property: any text handed to the config loader either loads or fails with a ConfigError that
// says where and what (never another kind of error, never a crash).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseConfigText, validateConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';

/** Something shaped roughly like a bulwark.yml, with anything in the leaves. */
const almostConfig = fc.record({
  apps: fc.array(fc.record({ name: fc.string(), script: fc.string(), cmd: fc.anything(), instances: fc.anything(), logs: fc.anything() }, { requiredKeys: [] }), { maxLength: 3 }),
  security: fc.anything(),
  forward: fc.array(fc.record({ name: fc.string(), host: fc.string(), port: fc.anything(), protocol: fc.anything(), select: fc.anything() }, { requiredKeys: [] }), { maxLength: 2 }),
  alerts: fc.anything(),
}, { requiredKeys: [] });

function loadsOrExplains(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError: ${(err as Error)?.stack ?? String(err)}`);
    assert.ok(err.issues.length > 0);
    for (const i of err.issues) assert.ok(typeof i.message === 'string' && i.message.length > 0);
  }
}

test('validateConfig: a config or a ConfigError, for any value', () => {
  fc.assert(fc.property(fc.oneof(almostConfig, fc.anything()), (raw) => {
    loadsOrExplains(() => validateConfig(raw, '/tmp/fuzz.yml', {}));
  }), { numRuns: 1000 });
});

test('parseConfigText: a config or a ConfigError, for any YAML text (${VAR} included)', () => {
  const yamlish = fc.oneof(
    fc.string({ maxLength: 300 }),
    almostConfig.map((o) => JSON.stringify(o)),
    fc.array(fc.constantFrom('apps:', '  - name: ', 'x', '${SECRET}', '    script: a.js', 'forward:', '  - {', '}', ': :', '\t', '#', '"', '\n'), { maxLength: 30 }).map((a) => a.join('')),
  );
  fc.assert(fc.property(yamlish, (text) => {
    loadsOrExplains(() => parseConfigText(text, '/tmp/fuzz.yml', {}));
  }), { numRuns: 1000 });
});
