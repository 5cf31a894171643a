// The dashboard in the browser: one EventSource (/api/stream) feeds everything. Rendering uses
// createElement and textContent only (nothing is ever parsed as HTML), so a log line's markup is
// shown as written. Strings arrive already escaped for display (control characters made visible).
// Compiled by tsc with the rest of the package and served as /assets/dashboard.js; no imports.

interface Series { endAt: number; stepMs: number; cpu: (number | null)[]; memoryBytes: (number | null)[] }
interface Instance {
  key: string; app: string; instance: number; pid: number | null; state: string; uptimeMs: number; restarts: number;
  cpu: number | null; memoryBytes: number | null; health: string;
  lastExit: { code: number | null; signal: string | null; at: string; cause?: string } | null; history: Series | null;
}
interface Endpoint { name: string; connected: boolean; spooled: number; spoolBytes: number; oldestUndeliveredAt: number | null; delivered: number; retried: number; dropped: number; lastError: string | null }
interface Deliveries { channel: string; sent: number; failed: number; expired: number; deduplicated: number }
interface Live { now: number; instances: Instance[]; endpoints: Endpoint[]; alerts: Deliveries[]; sample?: boolean }
interface Ev {
  id: string; at: string; type: string; kind: string; app?: string; reason?: string; message?: string; line?: string;
  ip?: string | null; user?: string | null; rule?: string; severity?: string; channel?: string; endpoint?: string; error?: string; count?: number;
}
interface Offender { type: string; value: string; counts: Record<string, number>; total: number; firstSeen: string; lastSeen: string }
interface Snapshot { csrf: string | null; daemon: { version: string; hostname: string; startedAt: number }; live: Live; events: Ev[]; offenders: Offender[] }

const MAX_EVENTS = 5000;
const SECURITY_ROWS = 300;
const TIMELINE_ROWS = 200;
const TIMELINE_KINDS = new Set(['start', 'restart', 'crash', 'exit', 'hang', 'memory', 'cpu', 'errored', 'stop', 'stopped', 'health', 'recovered', 'delete', 'backoff']);

const state = {
  csrf: null as string | null,
  live: null as Live | null,
  events: [] as Ev[],
  offenders: new Map<string, Offender>(),
  histories: new Map<string, { cpu: (number | null)[]; mem: (number | null)[] }>(),
  kinds: new Set<string>(),
  apps: new Set<string>(),
};
const dirty = new Set<'apps' | 'timeline' | 'security' | 'offenders' | 'forward'>();
let frame = 0;

function $(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`#${id} missing`);
  return e;
}

function el(tag: string, text?: string | number | null, cls?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function tbody(id: string): HTMLElement {
  return $(id).querySelector('tbody')!;
}

function row(cells: (string | number | null | Node)[], cls?: string): HTMLElement {
  const tr = el('tr', null, cls);
  for (const c of cells) {
    const td = el('td');
    if (c instanceof Node) td.append(c);
    else td.textContent = c === null ? '-' : String(c);
    tr.append(td);
  }
  return tr;
}

function bytes(n: number | null): string {
  if (n === null) return '-';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

function duration(ms: number | null): string {
  if (ms === null || ms <= 0) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}

function time(at: string): HTMLElement {
  const t = el('time', new Date(at).toLocaleTimeString());
  t.setAttribute('datetime', at);
  return t;
}

function sparkline(values: (number | null)[], floor: number): SVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 120 22');
  svg.setAttribute('preserveAspectRatio', 'none');
  const max = Math.max(floor, ...values.map((v) => v ?? 0));
  const step = values.length > 1 ? 120 / (values.length - 1) : 0;
  const points = values.flatMap((v, i) => (v === null ? [] : [`${(i * step).toFixed(1)},${(21 - (v / max) * 20).toFixed(1)}`]));
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', points.join(' '));
  svg.append(line);
  return svg;
}

function schedule(...parts: ('apps' | 'timeline' | 'security' | 'offenders' | 'forward')[]): void {
  for (const p of parts) dirty.add(p);
  if (frame === 0) frame = requestAnimationFrame(render);
}

function render(): void {
  frame = 0;
  if (dirty.has('apps')) renderApps();
  if (dirty.has('timeline')) renderTimeline();
  if (dirty.has('security')) renderSecurity();
  if (dirty.has('offenders')) renderOffenders();
  if (dirty.has('forward')) renderForward();
  dirty.clear();
}

function renderApps(): void {
  const body = tbody('apps');
  const rows = (state.live?.instances ?? []).map((i) => {
    const h = state.histories.get(i.key);
    const cpu = el('span');
    cpu.append(sparkline(h?.cpu ?? [], 100), document.createTextNode(i.cpu === null ? '-' : `${i.cpu.toFixed(1)}%`));
    const mem = el('span');
    mem.append(sparkline(h?.mem ?? [], 1), document.createTextNode(bytes(i.memoryBytes)));
    const actions = el('span', null, 'actions');
    for (const action of ['restart', 'stop', 'reload']) {
      const b = el('button', action) as HTMLButtonElement;
      b.type = 'button';
      b.dataset.action = action;
      b.dataset.app = i.app;
      actions.append(b);
    }
    const exit = i.lastExit === null ? '-' : [i.lastExit.cause, i.lastExit.signal ?? (i.lastExit.code === null ? '' : `code ${i.lastExit.code}`)].filter(Boolean).join(' ');
    const tr = row([i.app, i.instance, el('span', i.state, `state s-${i.state}`), i.pid, i.restarts, duration(i.state === 'online' ? i.uptimeMs : null), cpu, mem,
      el('span', i.health, i.health === 'ok' ? 'ok' : i.health === 'failing' ? 'bad' : 'muted'), exit, actions]);
    tr.dataset.key = i.key;
    tr.dataset.state = i.state;
    return tr;
  });
  body.replaceChildren(...rows);
}

function renderTimeline(): void {
  const items: HTMLElement[] = [];
  for (let i = state.events.length - 1; i >= 0 && items.length < TIMELINE_ROWS; i--) {
    const e = state.events[i]!;
    if (e.type !== 'lifecycle' || !TIMELINE_KINDS.has(e.kind)) continue;
    const li = el('li', null, ['crash', 'hang', 'memory', 'cpu', 'errored'].includes(e.kind) ? 'bad' : '');
    li.dataset.kind = e.kind;
    li.append(time(e.at), document.createTextNode(`${e.app ?? ''} ${e.kind}: ${e.reason ?? ''}`));
    items.push(li);
  }
  $('timeline').replaceChildren(...items);
  const alerts: HTMLElement[] = [];
  for (let i = state.events.length - 1; i >= 0 && alerts.length < 50; i--) {
    const e = state.events[i]!;
    if (e.type !== 'alert') continue;
    const li = el('li', null, e.kind === 'alert.sent' ? '' : 'bad');
    li.append(time(e.at), document.createTextNode(`${e.channel ?? ''} ${e.kind.replace('alert.', '')}: ${e.message ?? ''}${e.error ? ` (${e.error})` : ''}`));
    alerts.push(li);
  }
  $('alert-feed').replaceChildren(...alerts);
}

function renderSecurity(): void {
  refreshOptions('f-kind', state.kinds);
  refreshOptions('f-app', state.apps);
  const kind = ($('f-kind') as HTMLSelectElement).value;
  const app = ($('f-app') as HTMLSelectElement).value;
  const ip = ($('f-ip') as HTMLInputElement).value.trim();
  const rows: HTMLElement[] = [];
  let total = 0;
  for (let i = state.events.length - 1; i >= 0; i--) {
    const e = state.events[i]!;
    if (e.type !== 'security') continue;
    total++;
    if ((kind && e.kind !== kind) || (app && e.app !== app) || (ip && !(e.ip ?? '').startsWith(ip))) continue;
    if (rows.length >= SECURITY_ROWS) continue;
    const tr = row([time(e.at), e.kind, el('span', e.severity ?? '', `sev-${e.severity ?? ''}`), e.app ?? null, e.ip ?? null, e.user ?? null, e.rule ?? null, e.line ?? e.message ?? '']);
    tr.lastElementChild!.className = 'line';
    tr.dataset.id = e.id;
    rows.push(tr);
  }
  tbody('security').replaceChildren(...rows);
  $('security-count').textContent = `(${rows.length} shown of ${total} in the last ${state.events.length} events)`;
}

function refreshOptions(id: string, values: Set<string>): void {
  const select = $(id) as HTMLSelectElement;
  if (select.options.length - 1 === values.size) return;
  const chosen = select.value;
  const options = [el('option', 'all') as HTMLOptionElement];
  options[0]!.value = '';
  for (const v of [...values].sort()) {
    const o = el('option', v) as HTMLOptionElement;
    o.value = v;
    options.push(o);
  }
  select.replaceChildren(...options);
  select.value = chosen;
}

function renderOffenders(): void {
  const list = [...state.offenders.values()].sort((a, b) => b.total - a.total).slice(0, 100);
  tbody('offenders').replaceChildren(...list.map((o) => row([o.type, o.value, o.total,
    Object.entries(o.counts).map(([k, n]) => `${k} ${n}`).join(', '), time(o.firstSeen), time(o.lastSeen)])));
}

function renderForward(): void {
  const now = state.live?.now ?? Date.now();
  tbody('endpoints').replaceChildren(...(state.live?.endpoints ?? []).map((e) => row([e.name,
    el('span', e.connected ? 'connected' : e.spooled > 0 ? 'down' : 'idle', e.connected ? 'ok' : e.spooled > 0 ? 'bad' : 'muted'),
    e.spooled, bytes(e.spoolBytes), e.oldestUndeliveredAt === null ? '-' : duration(now - e.oldestUndeliveredAt), e.delivered, e.retried, e.dropped, e.lastError])));
  tbody('alerts').replaceChildren(...(state.live?.alerts ?? []).map((a) => row([a.channel, a.sent, a.failed, a.expired, a.deduplicated])));
}

function addEvent(e: Ev): void {
  state.events.push(e);
  if (state.events.length > MAX_EVENTS * 1.2) state.events.splice(0, state.events.length - MAX_EVENTS);
  if (e.type === 'security') {
    state.kinds.add(e.kind);
    if (e.app) state.apps.add(e.app);
    for (const [type, value] of [['ip', e.ip], ['user', e.user]] as const) {
      if (!value) continue;
      const k = `${type}:${value}`;
      const o = state.offenders.get(k) ?? { type, value, counts: {}, total: 0, firstSeen: e.at, lastSeen: e.at };
      o.counts[e.kind] = (o.counts[e.kind] ?? 0) + 1;
      o.total++;
      o.lastSeen = e.at;
      state.offenders.set(k, o);
    }
    schedule('security', 'offenders');
  } else {
    schedule('timeline');
  }
}

function takeHistory(live: Live): void {
  for (const i of live.instances) {
    if (i.history) state.histories.set(i.key, { cpu: i.history.cpu, mem: i.history.memoryBytes });
    else if (live.sample) {
      const h = state.histories.get(i.key) ?? { cpu: [], mem: [] };
      h.cpu.push(i.state === 'online' ? i.cpu : null);
      h.mem.push(i.state === 'online' ? i.memoryBytes : null);
      if (h.cpu.length > 360) { h.cpu.shift(); h.mem.shift(); }
      state.histories.set(i.key, h);
    }
  }
}

async function act(button: HTMLButtonElement): Promise<void> {
  const { action, app } = button.dataset;
  if (!action || !app) return;
  const out = $('action-result');
  button.disabled = true;
  try {
    const res = await fetch(`/api/apps/${encodeURIComponent(app)}/${action}`, {
      method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': state.csrf ?? '', 'content-type': 'application/json' }, body: '{}',
    });
    const body = await res.json() as { ok?: boolean; error?: string };
    out.textContent = res.ok ? `${action} ${app}: done` : `${action} ${app}: ${body.error ?? res.status}`;
    out.className = res.ok ? 'ok' : 'bad';
  } catch (err) {
    out.textContent = `${action} ${app}: ${(err as Error).message}`;
    out.className = 'bad';
  } finally {
    button.disabled = false;
  }
}

function connect(): void {
  const conn = $('conn');
  const source = new EventSource('/api/stream');
  source.addEventListener('open', () => { conn.textContent = 'live'; conn.className = 'badge ok'; });
  source.addEventListener('error', () => {
    conn.textContent = 'reconnecting';
    conn.className = 'badge bad';
  });
  source.addEventListener('snapshot', (m) => {
    const s = JSON.parse((m as MessageEvent<string>).data) as Snapshot;
    state.csrf = s.csrf;
    state.live = s.live;
    state.events = [];
    state.kinds.clear();
    state.apps.clear();
    state.offenders = new Map(s.offenders.map((o) => [`${o.type}:${o.value}`, o]));
    for (const e of s.events) {
      state.events.push(e);
      if (e.type === 'security') { state.kinds.add(e.kind); if (e.app) state.apps.add(e.app); }
    }
    takeHistory(s.live);
    $('daemon').textContent = `${s.daemon.hostname} · bulwark ${s.daemon.version} · up since ${new Date(s.daemon.startedAt).toLocaleString()}`;
    dirty.clear();
    for (const p of ['apps', 'timeline', 'security', 'offenders', 'forward'] as const) dirty.add(p);
    render();
    document.body.dataset.ready = String(performance.now());
  });
  source.addEventListener('event', (m) => addEvent(JSON.parse((m as MessageEvent<string>).data) as Ev));
  source.addEventListener('live', (m) => {
    const live = JSON.parse((m as MessageEvent<string>).data) as Live;
    takeHistory(live);
    state.live = live;
    schedule('apps', 'forward');
  });
}

document.addEventListener('DOMContentLoaded', () => {
  $('apps').addEventListener('click', (e) => {
    const b = (e.target as Element).closest('button[data-action]');
    if (b instanceof HTMLButtonElement) void act(b);
  });
  for (const id of ['f-kind', 'f-app', 'f-ip']) $(id).addEventListener('input', () => schedule('security'));
  connect();
});
