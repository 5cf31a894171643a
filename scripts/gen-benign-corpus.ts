// Generates the benign corpus in test/fixtures/benign/ (deterministic: seeded PRNG). No line may fire.
// Usage: node --import tsx scripts/gen-benign-corpus.ts
// Real-shaped traffic of the apps bulwark supervises: Next.js, WordPress, Rails, Django, REST and
// GraphQL APIs, as nginx combined lines (access.log) and pino-http JSON (app.jsonl, with headers,
// cookies and some bodies). The tricky parts are on purpose: search queries with quotes and SQL
// words in product names, O'Brien and C++, HTML in comments, code snippets in forum posts, URLs in
// parameters, tokens and signatures, and libinjection's own false-positive list (real Etsy input).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../bench/rng.js';
import { SEARCHES, FORUM_POSTS, COMMENTS, PEOPLE, PRODUCTS, AGENTS, BOTS } from './benign-samples.js';

const OUT = join(import.meta.dirname, '../test/fixtures/benign');
const LIBINJECTION_FP = join(import.meta.dirname, '../test/fixtures/third-party/libinjection/false_positives.txt');
const rnd = mulberry32(20240611);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
const b64 = (n: number): string => Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[int(0, 63)]).join('');
const q = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');
const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

const libinjectionFp = readFileSync(LIBINJECTION_FP, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));

interface Request {
  method: string; url: string; status: number; ua: string; referer?: string;
  headers?: Record<string, string>; body?: unknown; cookie?: string;
}

const visitor = () => `100.64.${int(0, 255)}.${int(1, 254)}`;
const SITE = 'https://shop.example';
const cookie = () => [
  `_ga=GA1.1.${int(1e8, 2e9)}.${int(1.6e9, 1.72e9)}`, `_gid=GA1.2.${int(1e8, 2e9)}.${int(1.6e9, 1.72e9)}`,
  `session=${b64(36)}.${b64(80)}.${b64(43)}`, `csrftoken=${b64(32)}`,
  `consent=${q(JSON.stringify({ necessary: true, analytics: rnd() < 0.5, marketing: false }))}`,
  `cart=${q(JSON.stringify([{ id: int(1, 999), qty: int(1, 3) }]))}`, `theme=dark`, `locale=en-US`,
  `__stripe_mid=${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}${hex(6)}`, `intercom-session-${hex(8)}=${b64(60)}%3D%3D--${hex(40)}`,
].filter(() => rnd() < 0.6).join('; ');

function nextjs(): Request {
  const build = b64(21);
  const product = pick(PRODUCTS);
  return pick<() => Request>([
    () => ({ method: 'GET', url: `/_next/static/chunks/pages/_app-${hex(16)}.js`, status: 200, ua: pick(AGENTS), referer: `${SITE}/` }),
    () => ({ method: 'GET', url: `/_next/static/css/${hex(16)}.css`, status: 200, ua: pick(AGENTS), referer: `${SITE}/` }),
    () => ({ method: 'GET', url: `/_next/static/chunks/app/(shop)/products/%5Bslug%5D/page-${hex(16)}.js`, status: 200, ua: pick(AGENTS), referer: `${SITE}/products/${slug(product)}` }),
    () => ({ method: 'GET', url: `/_next/image?url=${q(`/_next/static/media/${slug(product)}.${hex(8)}.jpg`)}&w=${pick([640, 1080, 1920, 3840])}&q=75`, status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'GET', url: `/_next/image?url=${q(`https://cdn.shop.example/images/${slug(product)}.webp`)}&w=828&q=75`, status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'GET', url: `/_next/data/${build}/en/products/${slug(product)}.json?slug=${slug(product)}`, status: 200, ua: pick(AGENTS), headers: { 'x-nextjs-data': '1' } }),
    () => ({ method: 'GET', url: `/products/${slug(product)}?_rsc=${b64(5)}`, status: 200, ua: pick(AGENTS), headers: { rsc: '1', 'next-router-state-tree': q(JSON.stringify(['', { children: ['products', { children: [['slug', slug(product), 'd'], { children: ['__PAGE__', {}] }] }] }, null, null, true])), 'next-url': `/products/${slug(product)}` } }),
    () => ({ method: 'POST', url: `/checkout`, status: 200, ua: pick(AGENTS), headers: { 'next-action': hex(40), 'content-type': 'text/plain;charset=UTF-8' }, body: JSON.stringify([{ email: pick(PEOPLE).email, note: pick(COMMENTS) }]) }),
    () => ({ method: 'GET', url: '/api/auth/session', status: 200, ua: pick(AGENTS), cookie: cookie() }),
    () => ({ method: 'GET', url: `/api/auth/callback/github?code=${hex(20)}&state=${b64(43)}`, status: 302, ua: pick(AGENTS), referer: 'https://github.com/' }),
    () => ({ method: 'GET', url: `/api/search?q=${q(pick(SEARCHES))}&limit=20`, status: 200, ua: pick(AGENTS), referer: `${SITE}/search` }),
    () => ({ method: 'GET', url: `/?utm_source=newsletter&utm_medium=email&utm_campaign=${q(pick(['Spring Sale', "Mother's Day", 'Black Friday 50% off', 'C++ & Rust week']))}`, status: 200, ua: pick(AGENTS) }),
  ])();
}

function wordpress(): Request {
  const post = pick(['hello-world', 'why-we-switched-to-postgres', 'select-the-right-mattress', 'drop-shipping-101', 'union-jack-history', 'how-to-sleep-better', 'c-plus-plus-tips']);
  return pick<() => Request>([
    () => ({ method: 'GET', url: `/${2020 + int(0, 4)}/${String(int(1, 12)).padStart(2, '0')}/${post}/`, status: 200, ua: pick(AGENTS), referer: `https://www.google.com/` }),
    () => ({ method: 'GET', url: `/?p=${int(1, 9999)}`, status: 301, ua: pick(AGENTS) }),
    () => ({ method: 'GET', url: `/?s=${q(pick(SEARCHES))}`, status: 200, ua: pick(AGENTS), referer: 'https://blog.example/' }),
    () => ({ method: 'GET', url: `/wp-content/themes/twentytwentyfour/style.css?ver=${pick(['6.5.2', '1.1'])}`, status: 200, ua: pick(AGENTS), referer: `https://blog.example/${post}/` }),
    () => ({ method: 'GET', url: `/wp-content/uploads/2024/05/${slug(pick(PRODUCTS))}-1024x683.jpg`, status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'GET', url: `/wp-includes/js/jquery/jquery.min.js?ver=3.7.1`, status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'GET', url: `/wp-json/wp/v2/posts?_embed&per_page=10&categories=${int(1, 20)}&orderby=date&order=desc`, status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'GET', url: `/wp-json/wp/v2/search?search=${q(pick(SEARCHES))}&type=post`, status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'POST', url: '/wp-admin/admin-ajax.php', status: 200, ua: pick(AGENTS), referer: 'https://blog.example/wp-admin/post.php?post=12&action=edit', body: { action: 'heartbeat', _nonce: hex(10), 'data[wp-refresh-post-lock][post_id]': '12', 'data[wp-refresh-post-lock][lock]': `${int(1.7e9, 1.72e9)}:1`, interval: '60', _: String(int(1.7e12, 1.72e12)) } }),
    () => ({ method: 'GET', url: `/wp-admin/load-scripts.php?c=0&load%5Bchunk_0%5D=jquery-core,jquery-migrate,utils&ver=6.5.2`, status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'GET', url: `/wp-cron.php?doing_wp_cron=${int(1.7e9, 1.72e9)}.${int(1e6, 9e6)}`, status: 200, ua: 'WordPress/6.5.2; https://blog.example' }),
    () => ({ method: 'GET', url: '/wp-login.php', status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'POST', url: '/wp-comments-post.php', status: 302, ua: pick(AGENTS), referer: `https://blog.example/${post}/`, body: { comment: pick(COMMENTS), author: pick(PEOPLE).name, email: pick(PEOPLE).email, url: pick(['', 'https://janes.example/blog', 'http://my-site.example']), comment_post_ID: String(int(1, 999)), comment_parent: '0' } }),
    () => ({ method: 'GET', url: '/feed/', status: 200, ua: pick(['Feedly/1.0 (+http://www.feedly.com/fetcher.html; 5 subscribers)', 'NetNewsWire (RSS Reader; https://netnewswire.com/)']) }),
    () => ({ method: 'POST', url: '/xmlrpc.php', status: 200, ua: 'Jetpack by WordPress.com', body: '<?xml version="1.0"?><methodCall><methodName>jetpack.testConnection</methodName><params></params></methodCall>' }),
  ])();
}

function rails(): Request {
  const person = pick(PEOPLE);
  return pick<() => Request>([
    () => ({ method: 'POST', url: '/users/sign_in', status: pick([302, 422]), ua: pick(AGENTS), referer: 'https://app.example/users/sign_in', body: { authenticity_token: b64(86) + '==', 'user[email]': person.email, 'user[password]': '[FILTERED]', 'user[remember_me]': '0', commit: 'Log in' } }),
    () => ({ method: 'GET', url: `/posts?page=${int(1, 40)}&q%5Btitle_cont%5D=${q(pick(SEARCHES))}&q%5Bs%5D=created_at+desc`, status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'GET', url: `/rails/active_storage/blobs/redirect/${b64(40)}--${hex(40)}/${slug(pick(PRODUCTS))}.jpg`, status: 302, ua: pick(AGENTS) }),
    () => ({ method: 'GET', url: `/assets/application-${hex(64)}.css`, status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'GET', url: `/search?utf8=%E2%9C%93&query=${q(pick(SEARCHES))}`, status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'PATCH', url: `/profile`, status: 302, ua: pick(AGENTS), body: { _method: 'patch', authenticity_token: b64(86) + '==', 'user[name]': person.name, 'user[bio]': pick(COMMENTS), 'user[website]': 'https://' + slug(person.name) + '.example' } }),
    () => ({ method: 'GET', url: '/cable', status: 101, ua: pick(AGENTS), headers: { upgrade: 'websocket', 'sec-websocket-protocol': 'actioncable-v1-json, actioncable-unsupported' } }),
  ])();
}

function django(): Request {
  const person = pick(PEOPLE);
  return pick<() => Request>([
    () => ({ method: 'GET', url: `/admin/shop/order/?q=${q(person.name)}&o=-1`, status: 200, ua: pick(AGENTS), referer: 'https://admin.shop.example/admin/' }),
    () => ({ method: 'GET', url: `/accounts/login/?next=${q('/dashboard/?tab=orders&sort=-created')}`, status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'POST', url: '/accounts/login/', status: 302, ua: pick(AGENTS), body: { csrfmiddlewaretoken: b64(64), username: person.user, password: '********', next: '/dashboard/' } }),
    () => ({ method: 'GET', url: `/static/admin/css/base.css`, status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'GET', url: `/api/v1/items/?ordering=-created_at&search=${q(pick(SEARCHES))}&page_size=50`, status: 200, ua: 'okhttp/4.12.0' }),
    () => ({ method: 'GET', url: `/api/v1/items/?price__gte=10&price__lte=200&category__in=1,2,3&name__icontains=${q(pick(PRODUCTS))}`, status: 200, ua: 'axios/1.7.2' }),
  ])();
}

function restApi(): Request {
  const person = pick(PEOPLE);
  const product = pick(PRODUCTS);
  return pick<() => Request>([
    () => ({ method: 'GET', url: `/api/products?fields=id,name,price&sort=-created_at&include=reviews,author&filter%5Bstatus%5D=active&filter%5Bname%5D=${q(product)}`, status: 200, ua: 'axios/1.7.2' }),
    () => ({ method: 'GET', url: `/odata/Products?$filter=${q(`Price gt ${int(5, 50)} and Name eq '${product.replace(/'/g, "''")}'`)}&$orderby=Price desc&$top=20`, status: 200, ua: 'Microsoft.OData.Client/7.20' }),
    () => ({ method: 'GET', url: `/api/search?q=${q(`name:"${person.name}" AND city:Boston`)}&size=10`, status: 200, ua: 'PostmanRuntime/7.39.0' }),
    () => ({ method: 'GET', url: `/api/items?where=${q(JSON.stringify({ price: { gt: int(1, 20) }, tags: { inq: ['sale', 'new'] } }))}`, status: 200, ua: 'axios/1.7.2' }),
    () => ({ method: 'POST', url: '/api/orders', status: 201, ua: 'okhttp/4.12.0', body: { customer: { name: person.name, email: person.email }, items: [{ sku: `SKU-${int(1000, 9999)}`, name: product, qty: int(1, 4) }], note: pick(COMMENTS), coupon: pick(['SPRING10', 'C++20', "MOM'S DAY"]) } }),
    () => ({ method: 'POST', url: '/api/search', status: 200, ua: 'axios/1.7.2', body: { query: { bool: { must: [{ match: { name: product } }], filter: [{ range: { price: { gte: 10, lte: 200 } } }] } }, sort: [{ price: 'asc' }] } }),
    () => ({ method: 'POST', url: '/graphql', status: 200, ua: 'apollo-ios/1.9.0', body: { operationName: 'GetProduct', variables: { id: String(int(1, 9999)), q: pick(SEARCHES) }, query: 'query GetProduct($id: ID!, $q: String) { product(id: $id) { id name price reviews(first: 5, search: $q) { edges { node { body author { name } } } } } }' } }),
    () => ({ method: 'POST', url: '/graphql', status: 200, ua: 'apollo-android/3.8.2', body: { operationName: 'UpdateCart', variables: { input: { lines: [{ merchandiseId: `gid://shopify/ProductVariant/${int(1e9, 9e9)}`, quantity: 1 }] } }, query: 'mutation UpdateCart($input: CartInput!) { cartUpdate(input: $input) { cart { id totalQuantity } userErrors { field message } } }' } }),
    () => ({ method: 'PUT', url: `/api/users/${int(1, 9999)}`, status: 200, ua: 'okhttp/4.12.0', body: { name: person.name, email: person.email, bio: pick(COMMENTS), links: ['https://github.com/' + person.user, 'https://www.linkedin.com/in/' + person.user] } }),
    () => ({ method: 'POST', url: '/webhooks/stripe', status: 200, ua: 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', headers: { 'stripe-signature': `t=${int(1.7e9, 1.72e9)},v1=${hex(64)},v0=${hex(64)}` }, body: { id: `evt_${b64(24)}`, type: 'payment_intent.succeeded', data: { object: { id: `pi_${b64(24)}`, amount: int(100, 99999), currency: 'usd', description: product } } } }),
    () => ({ method: 'GET', url: `/api/v2/geocode?address=${q(`${int(1, 9999)} ${pick(['GRANT AVE #A', 'O\'Connell St', 'Union St', 'Select Rd, Apt 4', 'Rue de l\'Église'])}`)}`, status: 200, ua: 'python-requests/2.32.3' }),
    () => ({ method: 'GET', url: `/api/v1/report?from=2024-05-01&to=2024-05-31&group_by=day&metrics=orders,revenue&tz=America%2FNew_York`, status: 200, ua: 'Go-http-client/2.0', headers: { authorization: `Bearer ${b64(36)}.${b64(120)}.${b64(43)}` } }),
    () => ({ method: 'GET', url: `/api/calc?expr=${q(pick(['cos(x)+sin(y)', '(a+b)*c', '2^10', 'max(1,2,3)', 'round(3.14159, 2)', 'x >= 10 and x <= 20', 'if(a > b, a, b)']))}`, status: 200, ua: 'axios/1.7.2' }),
  ])();
}

function forum(): Request {
  const post = pick(FORUM_POSTS);
  return pick<() => Request>([
    () => ({ method: 'POST', url: '/api/posts', status: 201, ua: pick(AGENTS), referer: 'https://forum.example/new', body: { title: post.title, body: post.body, tags: post.tags } }),
    () => ({ method: 'POST', url: `/t/${slug(post.title)}/reply`, status: 200, ua: pick(AGENTS), body: { raw: post.body, topic_id: int(1, 99999), reply_to_post_number: int(1, 40) } }),
    () => ({ method: 'GET', url: `/t/${slug(post.title)}/${int(1, 99999)}?page=${int(1, 5)}`, status: 200, ua: pick(AGENTS), referer: `https://forum.example/search?q=${q(post.title)}` }),
    () => ({ method: 'GET', url: `/search?q=${q(post.title)}&expanded=true`, status: 200, ua: pick(AGENTS) }),
  ])();
}

function infra(): Request {
  return pick<() => Request>([
    () => ({ method: 'GET', url: '/healthz', status: 200, ua: 'kube-probe/1.30' }),
    () => ({ method: 'GET', url: '/metrics', status: 200, ua: 'Prometheus/2.53.0' }),
    () => ({ method: 'GET', url: '/robots.txt', status: 200, ua: pick(BOTS) }),
    () => ({ method: 'GET', url: '/sitemap.xml', status: 200, ua: pick(BOTS) }),
    () => ({ method: 'GET', url: '/favicon.ico', status: 200, ua: pick(AGENTS) }),
    () => ({ method: 'GET', url: '/.well-known/apple-app-site-association', status: 200, ua: 'AASA-Bot/1.0.0' }),
    () => ({ method: 'GET', url: '/.well-known/openid-configuration', status: 200, ua: 'Go-http-client/1.1' }),
    () => ({ method: 'HEAD', url: '/', status: 200, ua: pick(['UptimeRobot/2.0 (http://www.uptimerobot.com/)', 'ELB-HealthChecker/2.0', 'Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)']) }),
    () => ({ method: 'GET', url: `/products/${slug(pick(PRODUCTS))}`, status: 200, ua: pick(BOTS) }),
    () => ({ method: 'GET', url: `/search?q=${q(pick(libinjectionFp))}`, status: 200, ua: pick(AGENTS), referer: `${SITE}/` }),
    () => ({ method: 'POST', url: '/contact', status: 200, ua: pick(AGENTS), body: { name: pick(PEOPLE).name, message: pick(libinjectionFp) + '\n\n' + pick(COMMENTS) } }),
  ])();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');
function clfTime(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
/** nginx `escape=default`. */
const nginx = (s: string) => s.replace(/["\\]|[^\x20-\x7e]/g, (c) => [...Buffer.from(c)].map((b) => `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));

function accessLine(r: Request, t: number): string {
  // Form bodies are not in access logs; GET-style targets are as the client sent them.
  return `${visitor()} - - [${clfTime(t)}] "${nginx(`${r.method} ${r.url} HTTP/1.1`)}" ${r.status} ${int(0, 90000)} "${nginx(r.referer ?? '-')}" "${nginx(r.ua)}"`;
}

function jsonLine(r: Request, t: number, id: number): string {
  const headers: Record<string, string> = { host: 'shop.example', 'user-agent': r.ua, accept: pick(['*/*', 'application/json', 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8']), 'accept-language': pick(['en-US,en;q=0.9', 'de-DE,de;q=0.9,en;q=0.8', 'fr-FR,fr;q=0.8']), 'accept-encoding': 'gzip, deflate, br' };
  if (r.referer !== undefined) headers.referer = r.referer;
  const c = r.cookie ?? (rnd() < 0.5 ? cookie() : '');
  if (c !== '') headers.cookie = c;
  Object.assign(headers, r.headers);
  const req: Record<string, unknown> = { id, method: r.method, url: r.url, query: {}, params: {}, headers, remoteAddress: `::ffff:${visitor()}`, remotePort: int(1024, 65535) };
  if (r.body !== undefined) req.body = r.body;
  return JSON.stringify({ level: r.status >= 500 ? 50 : 30, time: t, pid: 4711, hostname: 'web-1', req, res: { statusCode: r.status, headers: { 'x-powered-by': 'Express', 'content-type': 'application/json; charset=utf-8', etag: `W/"${hex(2)}-${b64(27)}"` } }, responseTime: int(1, 900), msg: 'request completed' });
}

/** App log lines that are not requests: users and messages written by the app. */
function appEvent(t: number): string {
  const person = pick(PEOPLE);
  return JSON.stringify(pick([
    { level: 30, time: t, msg: 'user updated profile', user: person.email, changes: ['bio', 'website'] },
    { level: 30, time: t, msg: 'order created', user: person.user, orderId: `A-${int(1000, 99999)}`, note: pick(COMMENTS) },
    { level: 30, time: t, event: 'login_success', user: person.user, ip: `100.64.9.${PEOPLE.indexOf(person) + 1}` },
    { level: 40, time: t, msg: 'search returned no results', query: pick(SEARCHES), user: person.email },
    { level: 30, time: t, msg: 'job finished', job: 'reindex-products', took: int(100, 90000) },
  ]));
}

function main(): void {
  const kinds = [nextjs, nextjs, wordpress, wordpress, rails, django, restApi, restApi, forum, infra, infra];
  const access: string[] = [];
  const json: string[] = [];
  let t = Date.UTC(2024, 5, 11, 6, 0, 0);
  for (let i = 0; i < 3000; i++) {
    t += int(20, 4000);
    access.push(accessLine(pick(kinds)(), t));
  }
  t = Date.UTC(2024, 5, 11, 6, 0, 0);
  for (let i = 0; i < 3000; i++) {
    t += int(20, 4000);
    json.push(i % 10 === 9 ? appEvent(t) : jsonLine(pick(kinds)(), t, i + 1));
  }
  // Every libinjection false positive once as a search value in both logs.
  for (const fp of libinjectionFp) {
    t += int(20, 4000);
    const r: Request = { method: 'GET', url: `/search?q=${fp.replace(/ /g, '+').replace(/#/g, '%23').replace(/"/g, '%22')}`, status: 200, ua: pick(AGENTS) };
    access.push(accessLine(r, t));
    json.push(jsonLine(r, t, json.length + 1));
  }
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'access.log'), access.join('\n') + '\n');
  writeFileSync(join(OUT, 'app.jsonl'), json.join('\n') + '\n');
  console.log(`benign corpus: ${access.length} access lines, ${json.length} JSON lines in ${OUT}`);
}

main();
