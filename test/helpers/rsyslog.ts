// A real rsyslog receiver for tests: its own config, work dir and pid file under a temp dir,
// listening on free loopback ports (udp, tcp, tls via gtls, relp via imrelp). Every message it
// parses is written as one JSON object with the fields rsyslog extracted, so tests can compare
// exactly what was sent with what was understood. Restartable on the same ports (outage tests).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReceivedRecord {
  pri: string;
  timestamp: string;
  hostname: string;
  appname: string;
  procid: string;
  msgid: string;
  sd: string;
  msg: string;
  input: string;
}

export interface TestCa {
  dir: string;
  /** CA that signed the server certificate (SAN localhost, 127.0.0.1). */
  caFile: string;
  certFile: string;
  keyFile: string;
  /** A second CA that signed nothing here: trusting only it must fail verification. */
  otherCaFile: string;
}

export interface ReceiverOptions {
  udp?: boolean;
  tcp?: boolean;
  tls?: TestCa;
  relp?: boolean;
  /** Output template: every parsed field as JSON (default) or just MSG per line (fast, for benchmarks). */
  output?: 'json' | 'msg';
}


/** A throw-away CA and server certificate made with the openssl CLI (valid 2 days). */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-ca-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=bulwark-test-ca']);
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'other-key.pem', '-out', 'other-ca.pem', '-days', '2', '-subj', '/CN=bulwark-untrusted-ca']);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(join(dir, 'srv.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server-cert.pem', '-days', '2', '-extfile', 'srv.ext']);
  return { dir, caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server-cert.pem'), keyFile: join(dir, 'server-key.pem'), otherCaFile: join(dir, 'other-ca.pem') };
}

const JSON_TEMPLATE = `template(name="fieldsjson" type="list" option.jsonf="on") {
  property(outname="pri" name="pri" format="jsonf")
  property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="appname" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
  property(outname="input" name="inputname" format="jsonf")
}`;

export class RsyslogReceiver {
  readonly dir: string;
  readonly out: string;
  readonly internalLog: string;
  private readonly conf: string;
  private readonly pidFile: string;
  private child: ChildProcess | null = null;
  ports: { probe: number; udp?: number; tcp?: number; tls?: number; relp?: number } = { probe: 0 };

  constructor(private readonly o: ReceiverOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'bulwark-rsyslog-'));
    this.out = join(this.dir, 'out.log');
    this.internalLog = join(this.dir, 'internal.log');
    this.conf = join(this.dir, 'rsyslog.conf');
    this.pidFile = join(this.dir, 'rsyslog.pid');
    mkdirSync(join(this.dir, 'work'));
  }

  async start(): Promise<void> {
    if (!this.ports.probe) await this.configure();
    this.child = spawn('rsyslogd', ['-n', '-f', this.conf, '-i', this.pidFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    this.child.stderr!.on('data', (d) => (stderr += d));
    // Every stream port, not the probe alone: rsyslogd opens its listeners one by one, in no fixed
    // order (up to ~2 ms apart on a quiet host, more under load), and a test that reaches another
    // port in that window is refused (behind tls-verify's relay, a refusal reads as a reset).
    const { probe, tcp, tls, relp } = this.ports;
    const streamPorts = [probe, tcp, tls, relp].filter((p): p is number => p !== undefined);
    const deadline = Date.now() + 15_000;
    while (!(await Promise.all(streamPorts.map(canConnect))).every(Boolean)) {
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`rsyslogd did not start: ${stderr}`);
      await delay(50);
    }
  }

  /** SIGTERM and wait for the exit (it drains its queue and closes every connection). */
  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
    this.child = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Output lines so far (JSON objects or raw MSG lines). */
  lines(): string[] {
    if (!existsSync(this.out)) return [];
    const text = readFileSync(this.out, 'utf8');
    const lines = text.split('\n');
    lines.pop(); // after the last LF: empty, or a record rsyslog is still writing
    return lines.filter((l) => l.length > 0);
  }

  records(): ReceivedRecord[] {
    return this.lines().map((l) => JSON.parse(l) as ReceivedRecord);
  }

  /** Polls until `done(records)` holds, or fails after `timeoutMs` with what arrived. */
  async waitFor(done: (r: ReceivedRecord[]) => boolean, timeoutMs = 20_000): Promise<ReceivedRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.records();
      if (done(r)) return r;
      if (Date.now() > deadline) throw new Error(`receiver: condition not met in ${timeoutMs} ms (${r.length} records; internal log: ${this.internal().slice(-800)})`);
      await delay(100);
    }
  }

  internal(): string {
    return existsSync(this.internalLog) ? readFileSync(this.internalLog, 'utf8') : '';
  }

  private async configure(): Promise<void> {
    const o = this.o;
    this.ports.probe = await freePort();
    if (o.tcp) this.ports.tcp = await freePort();
    if (o.tls) this.ports.tls = await freePort();
    if (o.relp) this.ports.relp = await freePort();
    if (o.udp) this.ports.udp = await freePort('udp');
    const tls = o.tls
      ? ` defaultNetstreamDriverCAFile="${o.tls.caFile}" defaultNetstreamDriverCertFile="${o.tls.certFile}" defaultNetstreamDriverKeyFile="${o.tls.keyFile}"`
      : '';
    const json = (o.output ?? 'json') === 'json';
    const conf = [
      `global(workDirectory="${join(this.dir, 'work')}" maxMessageSize="128k"${tls})`,
      'module(load="imtcp" maxSessions="200")',
      o.udp ? 'module(load="imudp")' : '',
      o.relp ? 'module(load="imrelp")' : '',
      json ? JSON_TEMPLATE : 'template(name="msgonly" type="string" string="%msg%\\n")',
      'ruleset(name="recv") {',
      json
        ? `  action(type="omfile" file="${this.out}" template="fieldsjson")`
        : `  action(type="omfile" file="${this.out}" template="msgonly" asyncWriting="on" flushOnTXEnd="off" ioBufferSize="256k" flushInterval="1")`,
      '}',
      `input(type="imtcp" address="127.0.0.1" port="${this.ports.probe}" ruleset="recv")`,
      o.tcp ? `input(type="imtcp" address="127.0.0.1" port="${this.ports.tcp}" ruleset="recv" supportOctetCountedFraming="on")` : '',
      o.tls ? `input(type="imtcp" address="127.0.0.1" port="${this.ports.tls}" ruleset="recv" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")` : '',
      o.udp ? `input(type="imudp" address="127.0.0.1" port="${this.ports.udp}" ruleset="recv")` : '',
      o.relp ? `input(type="imrelp" address="127.0.0.1" port="${this.ports.relp}" ruleset="recv" maxDataSize="128k")` : '',
      `*.* action(type="omfile" file="${this.internalLog}")`,
      '',
    ].filter((l) => l !== '').join('\n');
    writeFileSync(this.conf, conf + '\n');
    execFileSync('rsyslogd', ['-N1', '-f', this.conf], { stdio: 'pipe' });
  }
}

export async function startRsyslog(o: ReceiverOptions): Promise<RsyslogReceiver> {
  const r = new RsyslogReceiver(o);
  try {
    await r.start();
  } catch (e) {
    await r.dispose();
    throw e;
  }
  return r;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
