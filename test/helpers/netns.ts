// Two network namespaces joined by a veth pair, for tests and benches that ban for real: the
// server side (the daemon, nftables, a TCP server) and the client side (attackers), with test
// addresses only (192.0.2.0/24, 2001:db8::/64). Names carry the pid and a counter, so parallel
// runs never collide; `close()` deletes both (which removes the veth and every nftables table in
// them), and runs on process exit too if a test forgot.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SERVER_V4 = '192.0.2.1';
export const SERVER_V6 = '2001:db8::1';

/** Why namespaces cannot be made here, or false when they can (tests pass this as `skip`). */
export function netnsUnavailable(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces and nftables)';
  for (const tool of ['ip', 'nft']) {
    const found = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'].some((d) => existsSync(join(d, tool)));
    if (!found) return `${tool} is not installed (scripts/install-test-deps.sh installs iproute2 and nftables)`;
  }
  return false;
}

let counter = 0;
const open = new Set<NetnsPair>();
process.on('exit', () => { for (const p of open) p.close(); });

export class NetnsPair {
  readonly server: string;
  readonly client: string;
  /** A script that runs nft inside the server namespace (for a backend made in this process). */
  readonly nftInServer: string;
  private readonly dir: string;
  private clientDev = '';

  /** Creates both namespaces, the veth and the server's addresses; throws (after cleaning up) on failure. */
  constructor() {
    const id = `${process.pid}x${counter++}`;
    this.server = `bws${id}`;
    this.client = `bwc${id}`;
    this.dir = mkdtempSync(join(tmpdir(), 'bulwark-netns-'));
    this.nftInServer = join(this.dir, 'nft');
    writeFileSync(this.nftInServer, `#!/bin/sh\nexec ip netns exec ${this.server} nft "$@"\n`);
    chmodSync(this.nftInServer, 0o755);
    open.add(this);
    try {
      ip('netns', 'add', this.server);
      ip('netns', 'add', this.client);
      // Interface names are at most 15 characters.
      const veth = `v${id}`.slice(0, 13);
      ip('link', 'add', `${veth}s`, 'netns', this.server, 'type', 'veth', 'peer', 'name', `${veth}c`, 'netns', this.client);
      for (const [ns, dev] of [[this.server, `${veth}s`], [this.client, `${veth}c`]] as const) {
        ip('-n', ns, 'link', 'set', 'lo', 'up');
        ip('-n', ns, 'link', 'set', dev, 'up');
      }
      ip('-n', this.server, 'addr', 'add', `${SERVER_V4}/24`, 'dev', `${veth}s`);
      ip('-n', this.server, 'addr', 'add', `${SERVER_V6}/64`, 'dev', `${veth}s`, 'nodad');
      this.clientDev = `${veth}c`;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Gives the client side another address (an attacker, a friend); IPv6 without duplicate detection. */
  addClient(address: string): void {
    const v6 = address.includes(':');
    ip('-n', this.client, 'addr', 'add', `${address}/${v6 ? 64 : 24}`, 'dev', this.clientDev, ...(v6 ? ['nodad'] : []));
  }

  /** Runs argv inside a namespace and waits; rejects on a non-zero exit with its stderr. */
  run(ns: string, argv: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', ns, ...argv], { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.stdin.end(opts.input ?? '');
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve({ stdout, stderr });
        else reject(new Error(`${argv.join(' ')} (in ${ns}) exited ${code}: ${stderr.trim()}`));
      });
    });
  }

  /** The ruleset of the server namespace (nft list ruleset). */
  ruleset(): string {
    return spawnSync('ip', ['netns', 'exec', this.server, 'nft', 'list', 'ruleset'], { encoding: 'utf8' }).stdout;
  }

  close(): void {
    if (!open.delete(this)) return;
    for (const ns of [this.server, this.client]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`);
}
