// The client side of ban tests, run inside the client namespace:
//   probe  HOST PORT FROM [TIMEOUT_MS]  prints `open` when a TCP connection from FROM completes, `refused` when the
//                                       host answers with a reset (reachable, nothing listening), `blocked` when nothing comes back in time
//   attack HOST PORT FROM N             N failed logins from FROM, one connection each
//   watch  HOST PORT FROM [TIMEOUT_MS]  prints `ready` once a connection completes, then connects every few ms until one gets
//                                       no answer in time; prints {"blockedAt": ms since epoch the failed attempt began}
import net from 'node:net';

const [mode, host, portText, from, arg] = process.argv.slice(2);
const port = Number(portText);

/** 'open' | 'refused' | 'blocked' */
function connect(timeoutMs) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, localAddress: from });
    const timer = setTimeout(() => { s.destroy(); resolve('blocked'); }, timeoutMs);
    s.once('connect', () => { clearTimeout(timer); s.destroy(); resolve('open'); });
    s.once('error', (err) => { clearTimeout(timer); resolve(err.code === 'ECONNREFUSED' ? 'refused' : 'blocked'); });
  });
}

function login(user) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port, localAddress: from });
    let answer = '';
    s.setEncoding('utf8');
    s.setTimeout(5000, () => { s.destroy(); reject(new Error(`no answer from ${host}:${port}`)); });
    s.on('data', (d) => { answer += d; });
    s.on('end', () => resolve(answer.trim()));
    s.on('error', reject);
    s.write(`LOGIN ${user} wrong\n`);
  });
}

if (mode === 'probe') {
  console.log(await connect(Number(arg ?? 1000)));
} else if (mode === 'attack') {
  for (let i = 0; i < Number(arg); i++) await login(`user${i}`);
  console.log('done');
} else if (mode === 'watch') {
  const timeoutMs = Number(arg ?? 50);
  let ready = false;
  for (;;) {
    const startedAt = Date.now();
    const verdict = await connect(timeoutMs);
    if (verdict === 'open' && !ready) { ready = true; console.log('ready'); }
    // A busy machine can stall one connect past the timeout: blocked only if a patient retry agrees.
    if (verdict === 'blocked' && ready && (await connect(1000)) === 'blocked') { console.log(JSON.stringify({ blockedAt: startedAt })); break; }
    await new Promise((r) => setTimeout(r, 5));
  }
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
