// Path traversal and local file inclusion, on decoded values and paths: `../` (and `..\`, `...`,
// Tomcat's `..;/`, 0x2e spellings), operating-system files, PHP stream wrappers and NUL bytes.
import type { Signature } from '../signatures.js';

// Files whose name alone is a request for secrets, wherever the name stands ("cat /etc/passwd").
const STRONG_FILES = String.raw`etc/(?:passwd|shadow|gshadow|group|master\.passwd|subuid|subgid|sudoers|crontab|fstab|security/|ssh/|apache2?/|httpd/|nginx/|mysql/|php\d?/|init\.d/|cron\.)|proc/(?:self/|version\b|cpuinfo|meminfo|mounts|net/|sys/|interrupts|\d{1,7}/(?:environ|cmdline|maps|fd))|sys/(?:class|kernel|devices|firmware|power)\b|var/run/secrets|root/\.|\.ssh/|\.aws/credentials|\.docker/(?:config|secrets)|\.kube/config|id_(?:rsa|dsa|ecdsa|ed25519)\b|authorized_keys|(?:win|boot|system)\.ini\b|windows/(?:system32|repair|panther)|winnt/|web-inf/web\.xml|meta-inf/|usr/local/apps/|httpd\.conf|apache2\.conf|\.bash_history|\.zsh_history|\.mysql_history|\.htpasswd`;
// Files also named in ordinary text ("edit /etc/hosts"): only when the value is a bare path.
const WEAK_FILES = String.raw`etc/(?:hosts|issue|motd|profile|hostname|resolv\.conf|environment|os-release|nginx\.conf)|var/log/|\.htaccess|\.history\b|\.bashrc|\.profile\b|known_hosts|php\.ini|my\.cnf|inetpub/|wp-config\.php`;

export const TRAVERSAL: readonly Signature[] = [
  // `..` as a whole path segment; `\` reads as `/` (normalised below), `;` ends a segment for Tomcat.
  // `..` ends a value or a segment; three or more dots only before a separator (`/...` alone is an ellipsis).
  { rule: 'traversal-dot-dot', re: /(?:^|[/;])(?:\.\.[;]?(?:[/;]|$)|\.{3,}[;]?[/;])/ },
  // A path to it (/etc/passwd, ../../.ssh/id_rsa, cat /proc/self/environ), or the whole value naming it (id_rsa);
  // "etc/passwd explained" is a search.
  { rule: 'traversal-os-file', re: new RegExp(String.raw`[/\\](?:${STRONG_FILES})|^(?=\S*$)(?:\.\.[/\\])*(?:${STRONG_FILES})|^[a-z]?:?[./]*(?:${WEAK_FILES})`, 'i') },
  { rule: 'traversal-wrapper', re: /^\s*(?:php|phar|zip|expect|glob|file|data|compress\.(?:zlib|bzip2)|ogg|rar|ssh2(?:\.\w{1,10})?):\/\/|\bphp:\/\/(?:filter|input|fd|memory|temp)\b/i },
  { rule: 'traversal-null-byte', re: /\u0000/ },
];

/** Overlong UTF-8 and %u dot/slash encodings, looked for in the raw target before decoding. */
export const TRAVERSAL_RAW: Signature = { rule: 'traversal-overlong-encoding', re: /%c0%a[ef]|%c1%9c|%c0%2f|%c1%1c|%e0%80%a[ef]|%u002e|%u2215|%u2216|%uff0e/i };

/** Backslashes as slashes and 0x2e / 0x2f / 0x5c spelled out, as some servers and decoders read them. */
export function traversalForm(value: string): string {
  let s = value.indexOf('\\') >= 0 ? value.replace(/\\/g, '/') : value;
  if (s.indexOf('0x') >= 0 || s.indexOf('0X') >= 0) s = s.replace(/0x2e/gi, '.').replace(/0x(?:2f|5c)/gi, '/');
  return s;
}
