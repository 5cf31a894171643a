// Remote file inclusion and server-side request forgery: a parameter that makes the server fetch
// something an attacker picked. A URL in a parameter is normal (redirects, share links, image
// proxies); these rules want more: a raw IP host (never loopback, which OAuth apps use), an
// obfuscated IP, a cloud metadata address, a non-web scheme, a PHP include parameter, a text file
// as code, or the trailing `?` that cuts the application's own suffix.
import type { Signature } from '../signatures.js';

const SCHEME = String.raw`(?:https?|ftps?|php|file|dict|gopher|ldap|tftp|jar:https?)`;
// 127.x, ::1 and localhost are how desktop OAuth clients receive their code (RFC 8252): not a finding.
const PUBLIC_V4 = String.raw`(?!127\.)(?:\d{1,3}\.){3}\d{1,3}`;
const V6 = String.raw`\[?(?!::1\])[0-9a-f]{0,4}:[0-9a-f:]{2,40}[0-9a-f]\]?`;

export const RFI: readonly Signature[] = [
  { rule: 'ssrf-cloud-metadata', re: /(?:^|[^\d.])169\.254\.169\.254\b|\bmetadata\.(?:google\.internal|packet\.net|azure\.com|tencentyun\.com)\b|(?:^|[^\d.])100\.100\.100\.200\b|\bfd00:ec2::254\b|(?:^|[^\d.])192\.0\.0\.192\b|(?:^|[^\d.])169\.254\.170\.2\b|\ba9fe:a9fe\b/i },
  // http://2852039166/, http://0xA9FEA9FE/, http://0251.0376.0251.0376/, http://169.16689662/: an address no one writes by hand.
  { rule: 'ssrf-obfuscated-ip', re: /^\s*[a-z][\w+.-]{1,10}:\/{0,2}(?:[^/?#\s@]{0,100}@)?(?:\d{8,12}|0x[0-9a-f]{6,}|0x[0-9a-f]{1,2}\.|0\d{2,4}\.|\d{1,3}\.\d{5,10}\b|\d{1,3}\.\d{1,3}\.\d{4,6}\b)/i },
  { rule: 'rfi-ip-url', re: new RegExp(String.raw`^\s*${SCHEME}:/{0,2}(?:[^/?#\s@]{0,100}@)?(?:${PUBLIC_V4}|${V6})(?:[:/?#]|$)`, 'i') },
  // Schemes a web application never needs from a user: gopher:// and dict:// speak raw TCP, url:file: and
  // jar: are Java's ways to local files, file://host is a network share.
  { rule: 'ssrf-scheme', re: /^\s*(?:gopher|dict|ldaps?|tftp|jar|netdoc|xri|rsync|local_file|url:\s*file):|^\s*file:\/\/(?!\/|localhost\b)[\w.-]/i },
  // ?page=http://evil/shell.txt? : the trailing ? (or NUL) turns the application's ".php" suffix into a query.
  { rule: 'rfi-trailing-question-mark', re: /^\s*(?:file|ftps?|https?)\S{0,2000}?(?:\?+|\u0000)$/i },
  // XML that makes the parser fetch: external entities, XInclude, schema locations (out-of-band probes).
  // The tag around a schema location is checked behind the attribute, once it is found: ahead of
  // it, `<[^>]{0,500}` would scan 500 bytes from every `<` of a line.
  { rule: 'xxe-external-fetch', re: /<!ENTITY\s+%?\s*[\w.-]{1,40}\s+(?:SYSTEM|PUBLIC)\s+["']|<[\w-]{1,20}:include\b[^>]{0,200}\bhref\s*=|\bxsi:schemaLocation(?<=<[^>]{0,500}xsi:schemaLocation)\s*=\s*["'][^"']{0,200}\bhttps?:\/\//i },
  // url=localhost/, url=host.docker.internal/: a local or container-internal host without a scheme (an app that adds http://).
  { rule: 'ssrf-internal-host', re: /^\s*(?:localhost(?:4|6)?(?:\.localdomain\d?)?|ip6-loopback|ipv6-localhost|localtest\.me|lvh\.me)(?::\d{1,5})?\/|(?:^|\/\/|@)(?:(?:host|gateway|kubernetes)\.docker\.internal|host\.containers\.internal|kubernetes\.default(?:\.svc)?(?:\.cluster\.local)?)\b/i },
  // http://example.com%2f:x@evil.com/: a URL parsers disagree on (the app checks example.com, the fetch goes to evil.com).
  { rule: 'ssrf-url-confusion', re: /^\s*https?:\/\/[^/?#@\s]{1,255}\/:[^/?#\s]{0,100}@/i },
  // A shell kept as a text file, included as code.
  { rule: 'rfi-script-url', re: /^\s*(?:https?|ftps?):\/\/[^\s?#]{1,500}\.(?:txt|inc|sh|pl)(?:[?#].{0,200})?$/i },
];

/** PHP include parameters of known RFI bugs (mosConfig_absolute_path, _CONF[path]...) holding a URL. */
export const RFI_PARAMETER: Signature = {
  rule: 'rfi-include-parameter',
  re: /^(?:mosConfig_absolute_path|_CONF\[path\]|_SERVER\[DOCUMENT_ROOT\]|GALLERY_BASEDIR|path\[docroot\]|appserv_root|config\[root_dir\]|phpbb_root_path|include_path|root_path|base_path|includes_dir|class_path|abs_path)$/i,
};
export const URL_VALUE = /^\s*(?:file|ftps?|https?):\/\//i;
