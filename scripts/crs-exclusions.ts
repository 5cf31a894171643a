// How our standard reads the CRS regression tests where it differs from CRS (scripts/gen-crs-fixtures.ts).
// docs/detection.md ("The OWASP CRS suite") explains the categories; each reason starts with one:
//   fragment:     a lone keyword, operator, function name or piece of SQL/shell/script with nothing
//                 around it that could run (`XOR`, `COS(`, `) like (`, `' union/`); CRS scores these
//                 toward an anomaly threshold, one alone is not an attack
//   benign:       what ordinary traffic carries (a large number, a URL in a parameter, a webhook
//                 signature, a sentence); several are CRS's own documented false positives
//   statement:    a complete read-only SELECT with no break-out: what SQL consoles and BI tools send
//   not-in-logs:  the payload sits where no access or app log records it (raw multipart bodies)
//   attack:       (no-trigger tests) an attack by our standard; CRS tests only that one rule stays quiet
//   paranoia:     (whole rules) paranoia level 3-4 rules: character counts and fragments CRS itself
//                 keeps for "paranoid" sites; reported in the raw figures, not in the attack set
// Keys: a rule id (all its tests) or a test id ("942151-32"). CRS_INCLUDED re-admits single tests
// of an excluded rule; CRS_FAMILY counts a test for the family its payload belongs to.

const F = 'fragment';

export const CRS_EXCLUDED = new Map<string, string>([
  // --- 942 SQL injection ---
  ['942101-9', `${F}: "2 union all" with no SELECT`],
  ['942120', `${F}: a lone SQL operator or keyword (XOR, <>, IS NULL, in (0,1))`],
  ['942130', `${F}: a comparison (1=1, 42 like 42) with no break out of a value`],
  ['942131', `${F}: a comparison (1!=11, 1 is not 2) with no break out of a value`],
  ['942140', `${F}: a database or schema name alone (information_schema, tempdb, Northwind)`],
  ['942151-4', `${F}: FIND_IN_SET(...) as a value, no break`],
  ...range('942151', 23, 72).map((t) => [t, `${F}: a SQL function name and "(" alone (COS(, trim(, benchmark()`] as [string, string]),
  ['942170-4', `${F}: "select if(x"`],
  ...['2', '3', '4', '6', '7', '8', '11', '12', '13', '14', '17', '18', '22', '24', '25', '27', '29', '30', '35', '36', '37']
    .map((n) => [`942190-${n}`, `${F}: a truncated probe ("union select", "user(", "';SELECT P")`] as [string, string]),
  ['942190-33', 'statement: select 1 FROM(select count(*),concat(... (truncated, no break)'],
  ['942190-44', "statement: SELECT IIF(1 > 1, 'TRUE', 'FALSE')"],
  ['942200', `${F}: comma-separated SQL values ('admin', '1'='1') with no break`],
  ['942210', `${F}: truncated boolean probes ("pay=AND 7639=(", "/3 or ")`],
  ['942220', 'benign: a large number or float (4294967296, 2.2250738585072011e-308)'],
  ...['1', '2', '4', '10', '12', '13'].map((n) => [`942230-${n}`, `${F}: ") like (", "if(2=", "case when x then y"`] as [string, string]),
  ['942230-6', 'statement: SELECT x GROUP BY ... HAVING COUNT(Id) >= 9'],
  ['942230-7', 'statement: SELECT * FROM `movies` GROUP BY ... HAVING ...'],
  ['942260-1', `${F}: "something LIKE '"`],
  ['942260-2', `${F}: "something LIKE '"`],
  ['942270-2', `${F}: "Xunionselectfrom"`],
  ['942300', `${F}: ") when 234 then"`],
  ['942320-2', `${F}: "exec (@" with no variable name`],
  ['942320-7', `${F}: div(23,-2), an arithmetic call`],
  ['942320-8', `${F}: div(23.23, 2), an arithmetic call`],
  ['942330', `${F}: quote and escape characters alone ("', \\x23)`],
  ['942360', `${F}: a select-list piece with no table or break ("\` AS \`x\` from", "SELECT CHAR(")`],
  ['942361', `${F}: "'alter a", "' union/"`],
  ['942362', `${F}: a select-list piece with no table or break (") AS t FROM", "SELECT CHAR(")`],
  ['942370', `${F}: quote and operator soup ("' = # '", "^'")`],
  ['942380', `${F}: a clause alone ("ORder by", "execute php", "HAVING 1=")`],
  ['942390', `${F}: a truncated XOR/OR probe ending in an operator ("' or xyz!", "xor 2 <")`],
  ['942400', `${F}: "and '5'orig_var_datavarname"`],
  ['942410', `${F}: a SQL function name and "(" alone (ABS(, now(, sleep()`],
  ['942430', `${F}: a count of special characters, or curly quotes SQL does not read as quotes`],
  ['942440', `${F}: a comment sequence with no statement ("DROP sampletable;--")`],
  ['942440-7', 'statement: SELECT/*avoid-spaces*/password/**/FROM/**/Members'],
  ['942440-24', 'benign: a Cloudflare Turnstile response token (a CRS false-positive test)'],
  ['942450', `${F}: a hex literal (select 0x616263, \\0xf00d)`],
  ['942470', `${F}: a stored-procedure or type name alone (xp_cmdshell, nvarchar)`],
  ['942480', `${F}: "'msdasql'" alone`],
  ['942510', `${F}: a backtick-quoted word`],
  ['942520-21', `${F}: "' is not?--" (a placeholder, no operand)`],
  ['942521-2', `${F}: "a'or?--" (a placeholder, no operand)`],
  ['942521-3', "benign: \"is this your parents' or yours?\" (a CRS false-positive test)"],
  ['942521-4', `${F}: "user'and id is not?--" (a placeholder, no operand)`],
  ['942521-5', "benign: \"it is your parents' and yours\" (a CRS false-positive test)"],
  ['942521-17', `${F}: punctuation soup`],
  ['942521-18', `${F}: punctuation soup`],
  ['942522-4', `${F}: "\\'and"`],
  ['942180-1', `${F}: "3' ' 1"`],
  ['942180-4', `${F}: "';print'"`],
  ['942180-7', `${F}: "'or(glob 1)--" (glob with no pattern)`],
  ['942180-8', `${F}: "admin '"`],
  ['942180-9', `${F}: "3' ' 1"`],
  ['942550-42', 'statement: SELECT id FROM users WHERE id=JSON_EXTRACT(...)'],
  ['942180-2', `${F}: "';" alone`],
  ['942180-5', `${F}: "';#" alone`],
  ...['1', '2', '3', '7', '8'].map((n) => [`942540-${n}`, `${F}: an e-mail address, a quote and a semicolon, no SQL`] as [string, string]),
  ['942560-2', `${F}: "1.e(ascii)" with no query`],
  ['942560-3', `${F}: "1.e.tables" with no query`],
  // no-trigger tests that are attacks by our standard
  ['942160-12', 'attack: BENCHMARK(2999/**/999,Md5( in the path'],
  ['942350-9', "attack: /*';INSERT INTO category(id) VALUES (3)-- -*/ (a stacked INSERT probe)"],
  ['942360-29', "attack: ||(SELECT(DBMS_LDAP.INIT('169.1.1.1',19))FROM(DUAL)) (Oracle out-of-band)"],
  ['942360-30', "attack: '||(select(pg_sleep(15))where(true))||' (time-based blind)"],
  ['942360-31', 'attack: UNION ALL SELECT NULL,NULL,CONCAT(...)-- (sqlmap UNION probe)'],
  // --- 941 XSS ---
  ['941120-1', `${F}: an event-handler name as a parameter name ("  onload= "), no tag or quote`],
  ['941120-2', `${F}: an event-handler name as a parameter name, no tag or quote`],
  ['941120-4', `${F}: an event-handler name as a parameter name, no tag or quote`],
  ['941120-7', `${F}: an event-handler name as a parameter name, no tag or quote`],
  ['941120-52', `${F}: "  onload= " alone`],
  ['941120-10', 'benign: a Stripe webhook signature (a CRS false-positive test)'],
  ['941120-12', 'benign: a JWT bearer token (a CRS false-positive test)'],
  ['941120-13', 'benign: a Square webhook signature (a CRS false-positive test)'],
  ['941130-19', `${F}: "foo!ENTITY % bar SYSTEM" with no markup`],
  ['941130-20', 'benign: <input pattern="^a regex$">, harmless markup'],
  ['941140-4', `${F}: "x=x:url(javascript" with no code`],
  ['941140-8', `${F}: "STYLE=X:URL(JAVASCRIPT" with no code`],
  ['941140-10', `${F}: "z:url(javascript" with no code`],
  ['941150', 'benign: <a href="test">, harmless markup'],
  ['941160-4', `${F}: '"onzoom=' with no handler code`],
  ['941160-5', `${F}: "'formaction=" with no URL`],
  ['941160-6', `${F}: "< x: script", a spaced-out tag`],
  ...['7', '8', '9', '10', '11', '12', '13', '16'].map((n) => [`941160-${n}`, `${F}: a spaced-out tag name ("<f o r m")`] as [string, string]),
  ['941160-17', `${F}: '<"onwebkit...=' with no handler code`],
  ['941170-3', `${F}: "javascript:" followed by escapes only`],
  ['941170-4', `${F}: "javascript:" followed by escapes only`],
  ['941180-1', `${F}: "window.location" alone`],
  ['941180-2', `${F}: "document.cookie" alone`],
  ['941180-3', `${F}: "window.location" alone`],
  ['941180-10', `${F}: "window.location" alone`],
  ['941181', `${F}: "-->" alone`],
  ['941220-1', `${F}: an entity-spelled "vbscript::" with no code`],
  ['941220-3', `${F}: an entity-spelled "vbscript::" with no code`],
  ['941310-12', 'benign: top-bit "tags" that read as <test>, not script'],
  ['941320', `${F}: "<noscript#" alone`],
  ['941330', `${F}: '"in valueOf=' with no code`],
  ['941340', `${F}: "'  infoo.bar=" with no code`],
  ['941390-5', `${F}: "alert()" with no argument`],
  ['941390-6', `${F}: "atob()" alone`],
  ['941390-7', `${F}: "btoa()" alone`],
  ['941390-8', `${F}: "prompt()" with no argument`],
  ['941390-9', `${F}: "confirm()" with no argument`],
  ['941390-10', 'benign: an English sentence with "import (" (a CRS false-positive test)'],
  ['941390-11', 'benign: a JavaScript import statement (a CRS false-positive test)'],
  ['941100-5', 'attack: <script> in the Referer'],
  ['941110-10', 'attack: IE top-bit <script> (%bcscript%be)'],
  ['941140-14', 'attack: url(javascript:alert(1))'],
  ['941310-8', 'attack: IE top-bit <script>'],
  ['941310-9', 'attack: IE top-bit <script>'],
  // --- 930 traversal / LFI ---
  ['930110-10', 'not-in-logs: the file name of a multipart upload part'],
  ['930110-11', 'not-in-logs: the file name of a multipart upload part'],
  ['930120-9', `${F}: ">/tmp/curl", a redirection with no command`],
  ['930110-7', 'attack: a raw ".." segment in the request path (browsers never send one)'],
  // --- 931 RFI ---
  ...['2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '15'].map((n) => [`931130-${n}`, 'benign: a URL in a parameter (redirects, share links, image proxies)'] as [string, string]),
  ['931131-2', 'benign: a URL in the path (archive and proxy sites)'],
  // --- 932 command injection ---
  ['932130-2', `${F}: "\${cmd}", a template placeholder`],
  ...['8', '11', '12', '13', '14'].map((n) => [`932160-${n}`, `${F}: a program path alone (/bin/ab, bin/ansible)`] as [string, string]),
  ['932180', `${F}: a bare file name in an upload header (settings.php, .boto, acpi); not command injection`],
  ['932180-2', 'not-in-logs: the file name of a multipart upload part'],
  ['932180-15', 'not-in-logs: the file name of a multipart upload part'],
  ['932210-4', `${F}: ";\n.databases", a SQLite shell command that reads nothing`],
  ['932236-23', `${F}: "; top" inside a sentence`],
  ['932236-24', `${F}: "; top" inside a sentence`],
  ['932236-58', 'benign: an English sentence (a CRS false-positive test)'],
  ['932236-59', 'benign: an English sentence (a CRS false-positive test)'],
  ['932236-60', 'benign: an English sentence (a CRS false-positive test)'],
  ...['67', '74', '78', '88'].map((n) => [`932236-${n}`, `${F}: a tool name alone (visudo, chef-shell, shutdown)`] as [string, string]),
  ['932236-77', `${F}: "chef report nodes", plain words`],
  ...['90', '91', '93', '95'].map((n) => [`932236-${n}`, `${F}: a command with plain words only ("pip install something")`] as [string, string]),
  ['932236-101', `${F}: "; cat test.txt" with plain words only`],
  ['932236-102', `${F}: "; cat test.txt" with plain words only`],
  ...['41', '48', '52'].map((n) => [`932239-${n}`, `${F}: a tool name alone (visudo, chef-shell)`] as [string, string]),
  ['932239-51', `${F}: "chef report nodes", plain words`],
  ['932250-9', `${F}: "ls foo bar", plain words`],
  ['932250-15', `${F}: "aa-disable php-fpm", a command with plain words only`],
  ['932250-17', `${F}: "aa-disable php-fpm", a command with plain words only`],
  ...['932236-49', '932236-50', '932239-26', '932239-27', '932239-28', '932239-29', '932260-27']
    .map((t) => [t, `${F}: a command with flags only ("perf --version"), as a search for it reads`] as [string, string]),
  ...[...range('932236', 64, 79), ...range('932239', 38, 59), ...range('932260', 30, 51)]
    .filter((t) => !['932260-49', '932236-76', '932239-50', '932260-42'].includes(t))
    .map((t) => [t, `${F}: a tool with plain words only (ansible-playbook site.yml, cscli alerts list)`] as [string, string]),
  ['932239-2', 'benign: ";CHMOD +X EVIL.PHP" runs nothing (Unix shells are case-sensitive)'],
  ['932200-9', 'benign: "c$_at" expands to "c" ($_at is one variable), so nothing runs'],
  ['932207-2', 'benign: "c$_at" expands to "c" ($_at is one variable), so nothing runs'],
  ['932260-7', `${F}: "python3.10 cmd", plain words`],
  ...['33', '40', '43'].map((n) => [`932260-${n}`, `${F}: a tool name alone (visudo, chef-shell)`] as [string, string]),
  ['932270', `${F}: a tilde expansion alone (~+, ~-1)`],
  ['932271', `${F}: a tilde expansion alone (~0)`],
  ['932330', `${F}: a history expansion alone (!-1!-2)`],
  ['932340-16', `${F}: "\\ls", an escaped command name alone`],
  ['932371-2', 'benign: "Go to store. At the store, shop." (a CRS false-positive test)'],
  ...['1', '2', '9', '10', '11', '12', '14', '15', '16', '18', '19', '20', '21', '23', '26', '27', '42', '43', '44']
    .map((n) => [`932230-${n}`, 'attack: a command after a separator, in backticks, or shellshock (CRS tests only this rule)'] as [string, string]),
  ...['932230-46', '932260-14', '932260-15', '932250-1', '932250-2', '932260-1', '932260-2', '932260-3', '932260-19', '932250-19', '932340-17']
    .map((t) => [t, 'attack: a command line, a reverse shell, or a path into C:\\Windows\\System32'] as [string, string]),
  // --- 933 PHP ---
  ['933100-4', `${F}: "[\\php]" with no code`],
  ['933120', `${F}: a php.ini directive that changes nothing dangerous (engine=true, precision=true)`],
  ['933130-5', `${F}: "$_COOKIE" as a parameter name`],
  ['933135', `${F}: a variable-variable with no call ("\${a}", "$ {$a}")`],
  ['933150', `${F}: a PHP function name with "()" and no argument`],
  ['933151', `${F}: a PHP function name with "(" alone`],
  ['933152', `${F}: a PHP function name with "(" alone`],
  ['933153', `${F}: a PHP function name with "(" alone`],
  ...['1', '5', '17', '18', '35', '36', '37', '39', '42', '44', '48', '51'].map((n) => [`933160-${n}`, `${F}: a harmless call or a name with "(" (chr(123), substr(), intval(foo))`] as [string, string]),
  ['933110-28', 'not-in-logs: the file name of a multipart upload part'],
  ['933110-33', 'not-in-logs: the file name of a multipart upload part'],
  ['933220-16', 'not-in-logs: the file name of a multipart upload part'],
  ...['933100-24', '933100-25', '933100-81', '933100-86', '933180-41', '933180-43']
    .map((t) => [t, 'attack: PHP code (<?php, <?echo, system(\'id\'), $a[]())'] as [string, string]),
  // --- 934 Node.js, SSRF, SSTI, prototype pollution ---
  ...['4', '6', '7', '10', '11', '12', '14', '15', '24', '25', '26'].map((n) => [`934100-${n}`, `${F}: a JavaScript name or harmless call (process.env, console.info(1), function() {)`] as [string, string]),
  ...['934100-29', '934100-30', '934100-31', '934160-31', '934160-32', '934160-33', '934100-8', '934100-9', '934101-8', '934101-9', '934101-10']
    .map((t) => [t, `${F}: a base64 blob; bulwark does not decode base64`] as [string, string]),
  ['934170-3', `${F}: "data:text/plain" alone`],
  ['934170-4', `${F}: "data:text/plain" alone`],
  ...['934110-6', '934110-7', '934110-8', '934170-2'].map((t) => [t, 'attack: a cloud metadata address or a data:// stream wrapper'] as [string, string]),
]);

/** Tests of an excluded rule that are attacks by our standard after all. */
export const CRS_INCLUDED = new Set<string>([
  '942120-23', '942120-24', '942120-25', '942120-26', '942120-27', '942120-28', '942120-29', '942120-31', '942120-32',
  '942120-33', '942120-34', '942120-35', '942120-37', '942120-39', '942120-41',
  '942210-2', '942210-5', '942210-6', '942210-8', '942210-10', '942210-14', '942210-19', '942210-20', '942210-21', '942210-30',
  '942210-41', '942210-43', '942210-49', '942210-52', '942210-69', '942210-71', '942210-72', '942210-73', '942210-75', '942210-76',
  '942210-77', '942210-79', '942210-80', '942210-81',
  '942360-32', '942360-33', '942360-34', '942360-35', '942360-36', '942360-37', '942360-38',
  '942360-39', '942360-40',
  '942380-2', '942380-3', '942380-16', '942380-21', '942380-41',
  '942440-8', '942440-15',
  '942470-11',
]);

/** Tests whose payload belongs to another family than their rule's. */
export const CRS_FAMILY = new Map<string, string>([
  ['942100-13', 'command-injection'],
  ['942150-4', 'generic'],
  ['942150-15', 'generic'],
  ['942150-12', 'php'],
  ['942150-8', 'generic'],
  ['942150-14', 'generic'],
  ...['2', '4', '6', '9', '10', '11', '12', '14', '16'].map((n) => [`941130-${n}`, 'sqli'] as [string, string]),
  ...['3', '5', '7', '8', '13', '15', '18'].map((n) => [`941130-${n}`, 'rfi'] as [string, string]),
  ['931131-1', 'traversal'],
  ...['2', '5', '8', '11'].map((n) => [`932161-${n}`, 'traversal'] as [string, string]),
]);

function range(rule: string, from: number, to: number): string[] {
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(`${rule}-${n}`);
  return out;
}
