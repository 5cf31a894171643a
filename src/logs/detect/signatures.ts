// High-precision web attack signatures, applied to decoded request pieces (never the raw line).
// Every pattern is linear on hostile input: no nested or adjacent overlapping quantifiers, and the
// few open-ended scans inside a tag are bounded ({0,300}). test/logs/detect/signatures.test.ts
// times each on 64 KB adversarial strings.

export interface Signature {
  /** Rule name reported in events. */
  rule: string;
  re: RegExp;
}

export const SQLI: readonly Signature[] = [
  // ' OR '1'='1   " or 1=1   ') and ('a'<>'b   ' || 'x' like 'x
  { rule: 'sqli-quote-tautology', re: /['"`][\s)]*(?:(?:or|and|xor)\b|\|\||&&)[\s(]*['"`]?[\w@.-]{1,40}['"`]?\s*(?:=|<>|!=|<=|>=|<|>|\blike\b|\bis\s)/i },
  // 1 OR 1=1, x and a=a  (same operand on both sides)
  { rule: 'sqli-tautology', re: /\b(?:or|and)\s+(['"]?)(\w{1,20})\1\s*=\s*\1\2\1(?:\s|$|--|#|\))/i },
  { rule: 'sqli-union-select', re: /\bunion(?:\s|\+|\(|\/\*[^*]{0,40}\*\/)+(?:all\s+|distinct\s+)?select(?:\s|\+|\(|\/\*[^*]{0,40}\*\/)+(?:null\b|\d|@@|\*|0x|[\w.$]{1,64}\s*(?:,|\(|\bfrom\b))/i },
  { rule: 'sqli-stacked-query', re: /;\s*(?:(?:drop|truncate|alter)\s+(?:table|database|schema)\b|delete\s+from\b|insert\s+into\b|update\s+[\w.`"[\]]{1,64}\s+set\b|exec(?:ute)?\s+(?:xp_|sp_|master\.)|shutdown\b|declare\s+@)/i },
  // admin'--   1' #   x")/*   (quote, then a comment that ends the query)
  { rule: 'sqli-comment-terminator', re: /['"`][\s)]*(?:--|#|\/\*)[^'"`]{0,40}$/ },
  { rule: 'sqli-time-delay', re: /\b(?:sleep|pg_sleep|benchmark)\s*\(\s*\d+(?:\.\d+)?\s*[,)]|\bwaitfor\s+delay\s+['"]|\bdbms_pipe\.receive_message\s*\(/i },
  { rule: 'sqli-schema-probe', re: /\binformation_schema\s*\.|\b(?:sysobjects|syscolumns|pg_catalog\.|sqlite_master|mysql\.user)\b|@@version\b|\bxp_cmdshell\b|\bload_file\s*\(|\binto\s+(?:out|dump)file\b|\b(?:extractvalue|updatexml)\s*\(|\bconcat(?:_ws)?\s*\(\s*0x[0-9a-f]|\bchar\s*\(\s*\d{2,3}\s*(?:,\s*\d{2,3}\s*){2,}\)/i },
];

/** NoSQL operator injection in a query key: user[$ne]=x, password[$gt]= */
export const NOSQL_KEY: Signature = { rule: 'sqli-nosql-operator', re: /\[\$(?:ne|gt|gte|lt|lte|in|nin|regex|where|exists|expr|or|and|not)\]/ };

export const XSS: readonly Signature[] = [
  { rule: 'xss-script-tag', re: /<[\s/]*script\b/i },
  // <img src=x onerror=...>, <svg/onload=...>, <body onpageshow=...>
  { rule: 'xss-event-handler', re: /<[a-z][a-z0-9-]{0,20}[\s/][^>]{0,300}?\bon[a-z]{3,25}\s*=/i },
  // attribute breakout: " onmouseover="...
  { rule: 'xss-attribute-breakout', re: /['"][\s/]*on(?:error|load|mouseover|mouseenter|focus|click|blur|animationstart|toggle|pointerover|begin)\s*=/i },
  { rule: 'xss-script-url', re: /(?:^|[\s"'=(<>`])(?:javascript|vbscript|livescript)\s*:\s*(?:[\w$.]{1,40}\s*[(`]|\/\/|void\b|\[|\{|["'`])|\bdata:text\/html\b/i },
  { rule: 'xss-embedded-frame', re: /<\s*(?:iframe|frame|object|embed|applet)\b/i },
  { rule: 'xss-template-injection', re: /\{\{[^}]{0,100}(?:constructor|\$on\b|__proto__|_self\.env|\.getClass)/i },
  { rule: 'xss-dom-access', re: /\bdocument\s*\.\s*(?:cookie|domain)\b|\bdocument\s*\.\s*write\s*\(|\bString\.fromCharCode\s*\(|\b(?:alert|prompt|confirm)\s*(?:\(\s*(?:\d|document|window|['"`])|`)/i },
];

export const TRAVERSAL: readonly Signature[] = [
  { rule: 'traversal-dot-dot', re: /(?:^|[/\\])\.\.(?:[/\\]|$)/ },
  // The value (or path) *is* an OS file path, possibly behind ../ or a drive: not prose that mentions one.
  { rule: 'traversal-os-file', re: /^(?:[a-z]:)?[/\\.]*(?:etc[/\\](?:passwd|shadow|group|hosts|issue)\b|proc[/\\]self[/\\]|windows[/\\](?:win\.ini|system32\b)|(?:win|boot)\.ini\b)/i },
  { rule: 'traversal-wrapper', re: /^(?:php|phar|zip|expect|glob|file):\/\//i },
  { rule: 'traversal-null-byte', re: /\u0000/ },
];
/** Overlong UTF-8 and %u dot/slash encodings, looked for in the raw target before decoding. */
export const TRAVERSAL_RAW: Signature = { rule: 'traversal-overlong-encoding', re: /%c0%a[ef]|%c1%9c|%e0%80%af|%u002e|%u2215|%u2216/i };

/** Cheap test on the raw target: without any of these no sqli/xss/traversal signature can match. */
export const WEB_ATTACK_PREFILTER = /[%'"<>();\\$`{]|\.\.|etc\/|\.ini|proc\/|script|union|select|sleep|benchmark|waitfor|schema|document|data:|:\/\/|[+\s](?:or|and|xor)[+\s]/i;

/**
 * Sensitive resources, matched on the decoded, lower-cased path. Directories match as prefixes
 * (`/.git/` and below), files by name or family (`/.env.production`, `backup.sql.gz`), and admin
 * panels of software commonly probed for. `/.well-known/` is excluded before this runs.
 */
export const SENSITIVE_FILE: readonly Signature[] = [
  { rule: 'sensitive-env-file', re: /(?:^|\/)\.env(?:rc|\.[\w.-]{1,40})?(?:\/|$)/ },
  { rule: 'sensitive-vcs', re: /(?:^|\/)\.(?:git|svn|hg|bzr)(?:\/|$)|(?:^|\/)\.git(?:config|-credentials)$/ },
  { rule: 'sensitive-cloud-credentials', re: /(?:^|\/)\.(?:aws|ssh|docker|kube|azure|gnupg)\/|(?:^|\/)\.config\/gcloud\/|(?:^|\/)(?:aws\/credentials|credentials\.json|application_default_credentials\.json|service[-_]?account[\w-]{0,40}\.json|id_(?:rsa|dsa|ecdsa|ed25519)(?:\.pub)?)$|(?:^|\/)\.(?:s3cfg|boto|dockercfg|npmrc|pypirc|netrc|pgpass|my\.cnf|htpasswd|htaccess|git-credentials)$/ },
  { rule: 'sensitive-history', re: /(?:^|\/)\.(?:bash|zsh|sh|mysql|psql|python)_history$|(?:^|\/)\.ds_store$|(?:^|\/)\.vscode\/sftp\.json$|(?:^|\/)\.idea\// },
  { rule: 'sensitive-backup', re: /\.(?:sql|sqlite3?|mdb|bak|backup|old|orig|save|swp|swo|dump)(?:\.(?:gz|zip|bz2|xz|7z|tar))?$|(?:^|\/)(?:backups?|dump|db|database|site|www|wwwroot|htdocs|public_html|website)\.(?:zip|tar|tar\.gz|tgz|gz|rar|7z|bz2)$|[^/]~$/ },
  { rule: 'sensitive-admin-panel', re: /(?:^|\/)(?:phpmyadmin|pma|myadmin|mysqladmin|wp-admin|wp-includes|wp-content|administrator|cgi-bin|boaform|jmx-console|web-console|_profiler|telescope)(?:\/|$)|(?:^|\/)(?:wp-login|xmlrpc|wp-config|phpinfo|info|adminer[\w.-]{0,20}|setup-config|install)\.php(?:[.~].{0,10})?$|(?:^|\/)manager\/html|(?:^|\/)hnap1(?:\/|$)|(?:^|\/)solr\/admin|(?:^|\/)vendor\/phpunit\/|(?:^|\/)server-(?:status|info)$|(?:^|\/)actuator\/(?:env|heapdump|gateway|jolokia)/ },
];

/** First matching signature's rule name, or null. */
export function firstMatch(sigs: readonly Signature[], value: string): string | null {
  for (const s of sigs) if (s.re.test(value)) return s.rule;
  return null;
}

/** Every built-in rule name an event can carry (the rule-fixture test requires a positive sample of each). */
export const BUILTIN_RULES: readonly string[] = [
  'tagged', ...SQLI.map((s) => s.rule), NOSQL_KEY.rule, ...XSS.map((s) => s.rule), ...TRAVERSAL.map((s) => s.rule),
  TRAVERSAL_RAW.rule, ...SENSITIVE_FILE.map((s) => s.rule), 'probes', 'brute-force-ip', 'brute-force-user',
  'credential-stuffing', 'breached-password', 'new-ip-login', 'account-change',
];
