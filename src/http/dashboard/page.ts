// The dashboard's HTML and CSS. No inline script or style anywhere (the CSP forbids both): the
// page is a skeleton that ./client.ts fills from the event stream, with textContent only.

export function dashboardPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bulwark</title>
<link rel="stylesheet" href="/assets/dashboard.css">
<script type="module" src="/assets/dashboard.js"></script>
</head>
<body>
<header>
  <h1>bulwark</h1>
  <span id="daemon" class="muted"></span>
  <span id="conn" class="badge">connecting</span>
  <form method="post" action="/logout"><button type="submit" class="link">log out</button></form>
</header>
<main>
  <section id="apps-section">
    <h2>Apps</h2>
    <p id="action-result" class="muted" role="status"></p>
    <table id="apps">
      <thead><tr><th>app</th><th>inst</th><th>state</th><th>pid</th><th>restarts</th><th>uptime</th><th>cpu (1 h)</th><th>memory (1 h)</th><th>health</th><th>last exit</th><th></th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <div class="cols">
    <section>
      <h2>Timeline</h2>
      <ol id="timeline" class="feed"></ol>
    </section>
    <section>
      <h2>Forward endpoints</h2>
      <table id="endpoints"><thead><tr><th>endpoint</th><th>state</th><th>spooled</th><th>spool</th><th>oldest</th><th>delivered</th><th>retried</th><th>dropped</th><th>last error</th></tr></thead><tbody></tbody></table>
      <h2>Alert deliveries</h2>
      <table id="alerts"><thead><tr><th>channel</th><th>sent</th><th>failed</th><th>expired</th><th>deduplicated</th></tr></thead><tbody></tbody></table>
      <ol id="alert-feed" class="feed short"></ol>
    </section>
  </div>
  <section>
    <h2>Security events <span id="security-count" class="muted"></span></h2>
    <div class="filters">
      <label>kind <select id="f-kind"><option value="">all</option></select></label>
      <label>app <select id="f-app"><option value="">all</option></select></label>
      <label>IP <input id="f-ip" type="search" placeholder="address or prefix" autocomplete="off"></label>
    </div>
    <table id="security"><thead><tr><th>time</th><th>kind</th><th>severity</th><th>app</th><th>ip</th><th>user</th><th>rule</th><th>line</th></tr></thead><tbody></tbody></table>
  </section>
  <section>
    <h2>Offenders</h2>
    <table id="offenders"><thead><tr><th>type</th><th>value</th><th>events</th><th>kinds</th><th>first seen</th><th>last seen</th></tr></thead><tbody></tbody></table>
  </section>
</main>
</body>
</html>
`;
}

const LOGIN_MESSAGES: Record<string, string> = {
  '': '',
  'wrong token': 'That token is not the one in the configuration.',
  'no-token': 'The dashboard needs http.token in the configuration (at least 32 characters, from the environment).',
};

/** The login form; `message` is one of ours (never request text). */
export function loginPage(message: string): string {
  const text = LOGIN_MESSAGES[message] ?? '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>bulwark: log in</title>
<link rel="stylesheet" href="/assets/dashboard.css"></head>
<body class="login">
<form method="post" action="/login">
  <h1>bulwark</h1>
  <p class="error">${text}</p>
  <label>token <input name="token" type="password" autocomplete="current-password" required autofocus></label>
  <button type="submit">log in</button>
</form>
</body>
</html>
`;
}

export const DASHBOARD_CSS = `
:root { --bg: #0f1419; --panel: #161c23; --line: #26303b; --text: #d8dee6; --muted: #8592a0; --ok: #3fb950; --warn: #d29922; --bad: #f85149; --info: #58a6ff; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 13px/1.4 system-ui, sans-serif; }
header { display: flex; gap: 12px; align-items: center; padding: 8px 16px; border-bottom: 1px solid var(--line); }
header h1 { font-size: 16px; margin: 0; }
header form { margin-left: auto; }
main { padding: 8px 16px; }
h2 { font-size: 14px; margin: 16px 0 6px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 4px 12px 12px; margin-bottom: 12px; overflow-x: auto; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.cols section { margin-bottom: 0; }
@media (max-width: 1000px) { .cols { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid var(--line); vertical-align: middle; white-space: nowrap; }
th { color: var(--muted); font-weight: normal; }
td.line { white-space: pre-wrap; word-break: break-all; font-family: ui-monospace, monospace; font-size: 12px; max-width: 60ch; }
.muted { color: var(--muted); }
.badge { padding: 1px 6px; border-radius: 10px; background: var(--line); font-size: 12px; }
.s-online, .ok { color: var(--ok); }
.s-starting, .s-stopping, .s-backoff, .warn { color: var(--warn); }
.s-errored, .bad, .sev-high, .sev-critical { color: var(--bad); }
.s-stopped { color: var(--muted); }
.sev-medium { color: var(--warn); }
.feed { list-style: none; margin: 0; padding: 0; max-height: 320px; overflow-y: auto; font-family: ui-monospace, monospace; font-size: 12px; }
.feed.short { max-height: 160px; }
.feed li { padding: 2px 0; border-bottom: 1px solid var(--line); white-space: pre-wrap; word-break: break-all; }
.feed time { color: var(--muted); margin-right: 8px; }
svg.spark { width: 120px; height: 22px; vertical-align: middle; margin-right: 6px; }
svg.spark polyline { fill: none; stroke: var(--info); stroke-width: 1.2; }
button { background: var(--line); color: var(--text); border: 1px solid #3a4654; border-radius: 4px; padding: 2px 8px; cursor: pointer; font: inherit; }
button:hover { border-color: var(--info); }
button:disabled { opacity: .5; cursor: wait; }
button.link { background: none; border: none; color: var(--muted); }
.filters { display: flex; gap: 12px; margin-bottom: 6px; }
select, input { background: var(--bg); color: var(--text); border: 1px solid var(--line); border-radius: 4px; padding: 2px 4px; font: inherit; }
body.login { display: grid; place-items: center; min-height: 100vh; }
body.login form { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 16px 24px; display: grid; gap: 10px; min-width: 320px; }
.error { color: var(--bad); min-height: 1em; margin: 0; }
`;
