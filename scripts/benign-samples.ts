// Sample values for scripts/gen-benign-corpus.ts: what real users type and real apps send.

export const PRODUCTS = [
  'Select Comfort Sleep Number Bed', 'Union Jack Flag 3x5', 'Drop Leaf Table', 'Insert Molding Kit', 'Table Runner "Linen"',
  'Update Firmware Cable', 'Order Book Stand', 'Delete Key Keycap', 'OR Gate Logic Kit', 'AND/OR Puzzle', 'Having Fun Mug',
  "Levi's 501 Original", "Women's Running Shoes", "Men's 32\" Waist Jeans", '24" 4K Monitor', 'C++ Primer 5th Edition',
  'C# in Depth', 'F# for Fun', '.NET Pocket Guide', 'Node.js Design Patterns', "O'Reilly SQL Cookbook", 'Rock \'n\' Roll Vinyl',
  'Ben & Jerry\'s Pint', 'AT&T Prepaid SIM', 'Johnson & Johnson Band-Aid', 'Echo Dot (5th Gen)', 'Kill Bill Vol. 1 Blu-ray',
  'Head & Shoulders 2-in-1', 'Cat Toys Variety Pack', 'Ping Pong Table', 'Time Machine Backup Drive', 'Sleep Mask (Silk)',
  'Benchmark Power Meter', 'Exec Office Chair', 'System of a Down T-Shirt', 'Cmd+Shift Keyboard Stickers', 'Script Font Set',
  'Alert Dog Tag', 'Prompt Book', 'Document Holder', 'Window Film 1/2"', '50% Off Bundle', '1&1/8 Plugs', 'Case-Mate iPhone 15 Case',
  'Where\'s Waldo Book', 'Y\'all Sign', '"Live Laugh Love" Sign', 'Mr & Mrs Table Sign', 'Between Two Ferns DVD', 'Like New Cond.',
];

export const SEARCHES = [
  "o'brien", 'conan o\'brien', 'd\'angelo', 'mcdonald\'s near me', '"select comfort" mattress', 'union jack', 'drop leaf table',
  'insert molding', 'order by phone', 'how to sleep 8 hours', 'benchmark ssd 2024', 'c++ tutorial', 'c++ templates vs generics',
  'c# async await', 'f# pattern matching', '.net 8 minimal api', 'node.js streams', '"rock and roll" or jazz', "rock 'n' roll",
  '5\' 11" tall', '24" monitor', '50% off', 'at&t', 'q&a', 'r&d jobs', 'tom & jerry', 'ben & jerry\'s', '<3 gifts', 'i <3 ny',
  'cos(x)+sin(y)', '1/2 inch drill', '3/4 sleeve', 'price < 20', 'size >= 10', '2+2', 'a=b', 'where is my order', 'select a plan',
  'drop shipping', 'delete my account', 'update billing address', 'create table wooden', 'alter dress', 'truncate text css',
  'exec summary template', 'cat toys', 'ping pong', 'echo dot', 'find my iphone', 'kill bill', 'head and shoulders', 'sort by price',
  'date night ideas', 'time machine', 'python tutorial', 'bash vs zsh', 'how to use sleep() in python', 'javascript: the good parts',
  'what is document.cookie', 'window.location vs document.location', 'sql injection prevention', 'xss cheat sheet pdf',
  'etc/passwd explained', '.env file best practices', 'docker-compose tutorial', 'wp-config location', 'phpmyadmin tutorial',
  'how to use union in sql', 'order by two columns', 'group by having example', 'case when sql server', 'left join vs inner join',
  'python if __name__ == "__main__"', 'std::vector<int> push_back', 'array.map(x => x * 2)', 'rm -rf explained', 'chmod 755 meaning',
  'ls -la', 'git reset --hard', 'npm install --save-dev', 'kubectl get pods', 'curl -x post json', '`code` in markdown',
  '{{ mustache }} templates', '${variable} in bash', '$(command) substitution', 'regex ^[a-z]+$', 'email@example.com',
  'john+shop@example.com', 'josé', 'müller', 'straße', '東京 ホテル', 'naïve café', '¼ cup', 'déjà vu', 'español',
  'null', 'true', 'undefined', 'NaN', '0x1F', '-1', '1e10', '100%', '#hashtag', '@mention', '~/Downloads', 'and/or', 'time.sleep(5) python', 'Thread.sleep(1000) java', 'etc/passwd explained', 'id_rsa vs id_ed25519',
];

export const COMMENTS = [
  "Great post! I've been looking for this. Thanks, O'Brien.", 'Works on my machine ¯\\_(ツ)_/¯', 'Use <b>bold</b> and <i>italics</i> here.',
  'See <a href="https://example.com/docs">the docs</a> for more.', "Can't wait for the sequel -- really!", 'Price dropped 20% -> buy now',
  'I <3 this product', 'Size chart: S < M < L < XL', 'Ordered 2x; arrived 1x. Please fix.', 'Tom & Jerry & friends',
  'Is this C++ or C#?', '5 stars, would "order" again', 'Union-made in the USA', 'Select your size before checkout.',
  'My cat sleeps on it all day :)', 'Fits 24" and 27" monitors', 'Note: the "drop" in the title means the table has drop leaves.',
  'Q: does it ship to Canada? A: yes', 'Email me at jane.o\'neil+shop@example.com', 'Haha, 1=1 is always true in my house',
  '¡Me encanta! 10/10', 'Passt perfekt – danke!', '完璧です', 'Line 1\nLine 2\nLine 3', 'Use {braces} and [brackets] freely.',
];

export interface Person { name: string; user: string; email: string }
export const PEOPLE: Person[] = [
  { name: "Conan O'Brien", user: 'conan.obrien', email: "conan.o'brien@example.com" },
  { name: "Siobhán O'Neil", user: 'soneil', email: 'soneil+shop@example.com' },
  { name: "D'Angelo Russell", user: 'dangelo', email: 'dangelo@example.com' },
  { name: 'José Müller-Lüdenscheidt', user: 'jose.mueller', email: 'jose@example.de' },
  { name: 'Jane "JJ" Doe', user: 'jjdoe', email: 'jane.doe@example.com' },
  { name: 'Bobby Tables', user: 'bobby_tables', email: 'bobby@example.com' },
  { name: 'Null Smith', user: 'null', email: 'null@example.com' },
  { name: 'Anne Select', user: 'aselect', email: 'anne.select@example.com' },
  { name: '李雷', user: 'lilei', email: 'lilei@example.cn' },
  { name: 'Zoë Saldaña', user: 'zoe', email: 'zoe@example.com' },
];

export interface ForumPost { title: string; body: string; tags: string[] }
export const FORUM_POSTS: ForumPost[] = [
  {
    title: 'How do I escape O\'Brien in a SQL query?',
    tags: ['sql', 'postgres'],
    body: "My query breaks when the name is O'Brien:\n\n```sql\nSELECT id, name FROM customers WHERE name = 'O''Brien' ORDER BY name;\n```\n\nShould I use parameters instead? I read that `UNION` and `OR 1=1` tricks are how injection works, so I want to be safe.",
  },
  {
    title: 'C++ vector of pointers segfaults',
    tags: ['c++'],
    body: "```cpp\n#include <iostream>\n#include <vector>\nint main() {\n  std::vector<int*> v;\n  for (int i = 0; i < 3; ++i) v.push_back(new int(i));\n  std::cout << *v[0] << std::endl;\n}\n```\nWhy does this crash when I `delete` in a loop?",
  },
  {
    title: 'npm install fails with EACCES',
    tags: ['node', 'npm'],
    body: "I ran:\n\n```\nsudo npm install -g yarn\nrm -rf node_modules && npm install\n```\n\nand still get `EACCES: permission denied, mkdir '/usr/lib/node_modules'`. I also tried `chmod -R 755 ~/.npm`. Any idea?",
  },
  {
    title: 'Vue template shows {{ message }} literally',
    tags: ['vue', 'javascript'],
    body: "My template:\n```html\n<div id=\"app\">{{ message }}</div>\n<script src=\"https://unpkg.com/vue@3\"></script>\n```\nThe page shows {{ message }} instead of the text. What am I missing?",
  },
  {
    title: 'Bash: loop over files with spaces',
    tags: ['bash', 'linux'],
    body: "This breaks on names with spaces:\n```bash\nfor f in $(ls *.txt); do cat \"$f\"; done\n```\nUse `find . -name '*.txt' -print0 | xargs -0 cat` instead, or `while IFS= read -r f`.",
  },
  {
    title: 'Django filter with OR conditions',
    tags: ['django', 'python'],
    body: "How do I write `WHERE status = 'open' OR priority > 3` with the ORM?\n\n```python\nfrom django.db.models import Q\nTicket.objects.filter(Q(status='open') | Q(priority__gt=3))\n```\nIs this the idiomatic way?",
  },
  {
    title: 'Select a plan or upgrade later?',
    tags: ['billing'],
    body: "I can't decide: select the yearly plan now, or upgrade later? The docs say 'you can drop down a tier any time'. Thoughts?",
  },
  {
    title: 'Nginx rewrite for /wp-admin behind a proxy',
    tags: ['nginx', 'wordpress'],
    body: "My config:\n```nginx\nlocation /wp-admin/ {\n  proxy_pass http://127.0.0.1:8080;\n  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n}\n```\nBut /wp-login.php redirects in a loop.",
  },
  {
    title: 'React useEffect runs twice',
    tags: ['react'],
    body: "```jsx\nuseEffect(() => {\n  const id = setInterval(() => setCount(c => c + 1), 1000);\n  return () => clearInterval(id);\n}, []);\n```\nIn dev mode my counter increments by 2. Is StrictMode the reason?",
  },
  {
    title: 'Rock & roll playlist ideas (no jazz!)',
    tags: ['music'],
    body: "Looking for 'rock n roll' or blues from the 50s and 60s. Things like Johnny B. Goode -- not jazz, please :)",
  },
];

export const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68',
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1',
  'ShopApp/4.12.0 (iPhone; iOS 17.5.1; Scale/3.00)', 'okhttp/4.12.0', 'curl/8.5.0', 'python-requests/2.32.3', 'axios/1.7.2',
  'PostmanRuntime/7.39.0', 'Go-http-client/2.0', 'Dart/3.4 (dart:io)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0',
];

export const BOTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'Twitterbot/1.0', 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', 'DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)', 'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
];
