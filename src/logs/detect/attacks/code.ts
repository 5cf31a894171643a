// Code injection, on decoded values: PHP (open tags, dangerous calls, superglobals, serialized
// objects, ini directives), server-side templates ({{7*7}}, ${...}, <%= %>), Node.js (require,
// process, child_process, node-serialize), Python/Ruby/Perl one-liners, Log4Shell lookups, and
// prototype pollution. Mentions are not calls: `system` is a word, `system('id')` is code.
import type { Signature } from '../signatures.js';

const PHP_DANGEROUS = 'system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|eval|assert|assert_options|create_function|call_user_func(?:_array)?|preg_replace|base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|file_get_contents|file_put_contents|fopen|fwrite|fputs|readfile|show_source|highlight_file|phpinfo|unserialize|move_uploaded_file|ini_set|putenv|dl|fsockopen|pfsockopen|curl_exec|hex2bin|get_defined_vars|symlink|escapeshellcmd|posix_\\w{3,20}';

export const CODE: readonly Signature[] = [
  // <?php ... , <?= ..., <? system(...): not <?xml, whose declarations are XML.
  // <?php ..., <?= ..., <? system(...), <?xml :system(...): PHP code, not an XML processing instruction (<?xpacket, <?xml-stylesheet).
  { rule: 'php-open-tag', re: /<\?(?:\s*php\b|=|\s*(?:\$|@?(?:echo|print|system|exec|shell_exec|passthru|eval|assert|include|require|phpinfo|file_get_contents|fwrite|fputs|fputcsv|die|exit)\b|[a-z_]\w{0,40}\s*\())|<\?xml\s*:|\[\/?php\]|\{\/?php\}|<script\s+language\s*=\s*["']?php/i },
  // system('id'), system(whoami), @exec ("x"), eval/**/(...): a dangerous PHP function called. "system (Linux)" is prose.
  { rule: 'php-function-call', re: new RegExp(String.raw`(?:^|[^\w$>.:])@?(?:${PHP_DANGEROUS})(?:\(\s*[\w"'$\`(@)]|(?:\s|/\*[^*]{0,40}\*/)+\(\s*(?:["'$\`(@)]|\d)|\s*(?:(?:#|//)[^\n]{0,40}\n|/\*[^*]{0,40}\*/)\s*\()`, 'i') },
  // $a(1), $$b(2), $__['o'](5), ${@a}(10), $f(101).$f(120): a variable called as a function (webshell style).
  { rule: 'php-variable-call', re: /\$+\s*(?:\{\s*@?\$?[\w.]{1,30}(?:->\w{1,30})?\s*\}|[a-z_]\w{0,30})(?:\s*(?:\/\*[^*]{0,40}\*\/|(?:#|\/\/)[^\n]{0,40}\n))*\s*(?:(?:\[[^\]\n]{0,30}\]|\{[^}\n]{0,10}\})\s*(?:\/\*[^*]{0,40}\*\/\s*|(?:#|\/\/)[^\n]{0,40}\n\s*)*)*\(\s*[\w'"$@)]|(?:^|[;(\s])@?\$[a-z_]\w{0,30}\s*=\s*@?\$[a-z_]\w{0,30}\s*\(/i },
  // ("system")("id"), (system)(whoami), "sys"."tem"('uname'), [system][0](ls): a function name as a string or array, then called.
  { rule: 'php-string-call', re: /[("'[]\s*(?:\/\*[^*]{0,40}\*\/\s*)?(?:system|exec|shell_exec|passthru|popen|proc_open|assert|eval)\s*["')\]]\s*(?:\[\s*\d+\s*\]\s*)*(?:\)\s*)?(?:\{[^}]{0,40}\}\s*)?\(|(?:["'][\w]{1,10}["']\s*\.\s*){1,10}["'][\w]{1,10}["']\s*\)?\s*\(/i },
  // $_GET['c'], $_SERVER[...], $GLOBALS, ${'x'}, $x(...), ("system")("id"), php://input
  { rule: 'php-superglobal', re: /\$_(?:GET|POST|REQUEST|COOKIE|SERVER|FILES|ENV|SESSION)\s*\[|\$GLOBALS\s*\[|\$\s*\{\s*['"][\w.'" ]{1,40}\}|\$\{\s*@?[a-z_]\w{1,30}\s*\(|\$_\s*\(|\(\s*["'](?:system|exec|shell_exec|passthru|assert|eval)["']\s*\)\s*\(|\$\w{1,20}\s*=\s*["'](?:system|exec|shell_exec|passthru|assert)["']/i },
  // O:8:"stdClass":0:{}  a:2:{i:0;...}  (unserialize() gadget chains)
  { rule: 'php-serialized-object', re: /\b[OC]:\d{1,5}:"[\w\\]{1,200}":\d{1,5}:\{|\ba:\d{1,5}:\{(?:i|s):\d{1,9}[:;]/ },
  // -d allow_url_include=1 -d auto_prepend_file=php://input (CGI argument injection), .user.ini directives.
  { rule: 'php-ini-directive', re: /\b(?:allow_url_include|allow_url_fopen|auto_prepend_file|auto_append_file|disable_functions|open_basedir|safe_mode|register_globals|cgi\.force_redirect|doc_root|user_dir|enable_dl|suhosin\.[\w.]{1,40}|error_log|sendmail_path)\s*=/i },
  // {{7*7}}, {{7*'7'}}, ${7*7}, #{7*7}, <%= 7*7 %>, *{7*7}, {{''.__class__.__mro__}}, {% import os %}
  { rule: 'ssti', re: /(?:\{\{|\$\{|#\{|\*\{|<%=?|\{%|\[\[|@\()\s*-?\d{1,10}\s*[*+/^-]\s*['"]?\d{1,10}['"]?\s*(?:\}\}|\}|%>|%\}|\]\]|\))|\.\s*__(?:class|mro|subclasses|globals|builtins|base|bases|dict|getattribute|reduce|init)__\b|\{\{\s*(?:config|self|request|lipsum|cycler|joiner|namespace|url_for|get_flashed_messages)\s*(?:\}\}|\.\s*(?:__|items\s*\(|application|_TemplateReference|environ)|\|\s*attr|\[\s*['\x22]_)|\{%[^%]{0,100}\b(?:import|include|exec|eval|os\.|system)|\$\{[^}]{0,200}(?:\bT\s*\(|getRuntime|getClass|forName|@java\.|new\s+java\.|freemarker|\.exec\s*\()|<#assign\b[^>]{0,200}\?new\s*\(|\{\{#with\b|\{\$smarty\.|\{php\}|<%=?[^%]{0,200}\b(?:system|exec|spawn|popen|File\.|IO\.|`)|#\{[^}]{0,200}(?:`|\bsystem\b|%x|\bexec\b)/i },
  // ${jndi:ldap://...} and its ${${lower:j}ndi:...} disguises.
  // Each letter of jndi either itself or a nested lookup that yields it (${lower:j}, ${::-n}): decided by one character, so linear.
  { rule: 'log4shell', re: /\$\{\s*(?:j|\$\{[^{}$]{0,40}\})\s*(?:n|\$\{[^{}$]{0,40}\})\s*(?:d|\$\{[^{}$]{0,40}\})\s*(?:i|\$\{[^{}$]{0,40}\})\s*:|\$\{(?:env|sys|java|jvmrunargs|main|bundle|docker|k8s|ctx|spring|web|log4j|base64|lower|upper):[^{}$]{0,60}\}/i },
  // Node.js: require('child_process'), process.mainModule, this.constructor.constructor, node-serialize.
  { rule: 'node-injection', re: /\brequire\s*(?:\(\s*["'`]?(?:child_process|vm)\b|\(\s*["'`]fs["'`]\s*\)\s*\.\s*(?:read|write|unlink|append|rm|open)|\[)|\bchild_process\b|\bprocess\s*\.\s*(?:mainModule|binding|dlopen|setuid)|\bprocess\s*\[|\bglobal\s*\.\s*process\b|\.constructor\s*\.\s*constructor\b|\bconstructor\s*\(\s*["']return\b|_\$\$ND_FUNC\$\$_|XyQkTkRfRlVOQyQk|\b__js_function\b|\beval\s*\(\s*Buffer|\bnew\s+Function\s*\(|\bfunction\s*\(\s*\)\s*\{\s*return\s+(?:process|require|this)\b|\brequire\.main\b|\bdo\s*\{[^}]{0,200}\}\s*while\s*\(\s*\w{1,10}\s*-\s*\w{1,10}\s*<\s*\d{3,}/i },
  // Python, Ruby and Perl one-liners that run commands.
  { rule: 'script-injection', re: /\b__import__\s*\(|\bos\s*\.\s*(?:system|popen|exec\w{0,3}|spawn\w{0,3})\s*\(|\bsubprocess\s*\.\s*\w{3,15}\s*\(|\beval\s*\(\s*compile\s*\(|\bimport\s+os\s*;|\bKernel\s*\.\s*(?:exec|system|spawn|open)\b|\bIO\s*\.\s*popen\b|\bProcess\s*\.\s*spawn\b|%x\s*[({[]|\bOpen3\s*\.|@\{\s*\[\s*(?:system|exec|qx|`)|\bqx\s*[({[\/]|\bsystem\s*\(\s*["'`](?:id|whoami|uname|cat|ls|sh|bash|curl|wget)\b/i },
  // __proto__[x]=, constructor[prototype][x]=, constructor.prototype.x
  { rule: 'prototype-pollution', re: /\b__proto__\b|\bconstructor\s*(?:\]\s*)?(?:\[\s*["']?prototype["']?\s*\]|\.\s*prototype\b)|"\$\d{1,4}:[\w:]{0,40}\b(?:constructor|prototype)\b/i },
  // while(true); while(!0); while(Infinity): a request that pins the event loop (server-side eval).
  { rule: 'node-dos', re: /\bwhile\s*\(\s*(?:!\s*(?:false|[-+]?0|""|''|``|null|undefined|NaN)|true|[-+]?(?:Infinity|1)|new\s+Date|this|String|!!\s*(?:\{\}|\[\]|""|''|``)|\(\s*true\s*\))\s*\)/ },
];
