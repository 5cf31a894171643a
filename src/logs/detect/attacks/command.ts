// OS command injection, on decoded values. The evasions shells forgive are undone first (c\at,
// c''at, c$@at, $IFS); then a command must stand where a shell would run it: after a separator
// (; | || && & newline), inside `...` or $(...), or at the start of the value with arguments no
// prose has (-flags, system paths, $VARS, URLs for fetchers, redirections). Shellshock, reverse
// shells, brace expansion, PowerShell and cmd.exe (FOR /F ... DO, IF EXIST) have their own rules.
import { AMBIGUOUS, COMMANDS, FETCHERS, INTERPRETERS, SHELL_ONLY } from './commands.js';

/** Prefixes that run the command after them (time sh -c id, nohup curl ...). */
const RUNNERS = new Set(['time', 'nohup', 'strace', 'ltrace', 'timeout', 'exec', 'eval', 'sudo', 'env', 'nice', 'setsid', 'xargs',
  'command', 'builtin', 'stdbuf', 'chroot', 'flock', 'cpulimit', 'doas']);

// An argument no sentence has: a flag, a system path, a variable, a URL, an IP, a redirection or pipe.
const SHELL_ARG = /^\s*(?:-{1,2}[a-z0-9]|\+[rwxst]{1,4}\b|~?\/(?=[\s;|&]|$)|(?:[\w-]{1,20}=)?~?\/(?:etc|bin|sbin|usr|var|tmp|dev|proc|root|home|sys|opt|boot|lib|srv|run|mnt)\b|\/[\w.-]{1,40}\/[\w.-]|\$\{?[a-z_]\w{0,30}\}?(?![\w[])|%[a-z_]{2,30}%|[a-z][a-z0-9+.-]{1,10}:\/\/|(?:\d{1,3}\.){3}\d{1,3}|[<>]\s*[/~$&]|[|&;`]|\.{1,2}\/|[a-z]:\\)/i;
/** The same without bare punctuation: what an English word needs after it to be a command ("nice <b>", "cat & dog" are text). */
const STRONG_ARG = new RegExp(SHELL_ARG.source.replace('|[|&;`]', ''), 'i');
/** A whole value that is a command line needs more than flags ("ls -la", "chmod 755" are searches): paths, variables, URLs, redirections. */
const LINE_ARG = new RegExp('^(?:\\s+-{1,2}[\\w-]{1,30}(?:=\\S*)?)*' + STRONG_ARG.source.slice(1).replace('-{1,2}[a-z0-9]|\\+[rwxst]{1,4}\\b|', ''), 'i');
/** Where a following command word runs. `&` alone needs shell arguments after the command (R&D, Q&A). */
const SEPARATOR = /;|\|\|?|&&?|\n|`|\$\(|<\(|>\(/g;

export const SHELLSHOCK = /^\s*\(\s*\)\s*\{/;
const REVERSE_SHELL = /\/dev\/(?:tcp|udp)\/|\d\s*>\s*&\s*\d|>&\s*\/dev\/|\bmkfifo\b|\bn(?:c|cat|etcat)\b[^|;&\n]{0,60}\s-[a-z]*[ec]\b|\|\s*(?:ba|z|k|c|da|tc)?sh\b(?:\s|$|[;&|#])|\b(?:ba)?sh\s+-i\b|\b(?:ba|z|k|c|da|tc)?sh[\s,]+-c[\s,]|\(\s*(?:ba|z|k|da)?sh\s*\)|(?:^|[;\n])\s*\.['"\\]*(?:shell|system|sh)\s+\w|\$\{?(?:SHELL|BASH|ZSH)\}?\s+-c\b|\b(?:python[23]?|perl|ruby|php|node)\s+-[cer]\s+['"]|\bbusybox\s+[-\w]|<<<\s*['"$(]?\s*\w/i;
const WINDOWS = /\bcmd(?:\.exe)?["']?\s+\/[ckr]\b|\bpowershell(?:\.exe)?\s+(?:-\w|[a-z]:\\)|\bpwsh\s+-\w|%comspec%|\binvoke-(?:expression|webrequest|restmethod|command|item|wmimethod)\b|\biex\s*\(|(?:^|[;|&(]\s*)(?:iex|iwr|irm|iwmi|icm|saps)\s+[-(a-z$'"]|\bnew-object\s+(?:system\.)?net\.webclient|\.download(?:string|file)\s*\(|-encodedcommand\b|\s-enc\s+[a-z0-9+/=]{16,}|\bstart-process\b|\bcertutil(?:\.exe)?\s+[^\n]{0,80}-(?:urlcache|decode)|\bbitsadmin(?:\.exe)?\s+[^\n]{0,40}\/transfer|\b(?:mshta|rundll32|regsvr32|wscript|cscript)(?:\.exe)?\s+\S|\bregedit\s+\/[es]\b|\bbcdboot\s*(?:\/|<)|\bwmic\s+(?:process|os|useraccount|shadowcopy)\b|\bnet\s+(?:user|localgroup|share|use)\s/i;
const BATCH_FOR = /(?:^|[&|;(]\s*)for\s+(?:\/[dflr]\b[^%\n]{0,100})?%{1,2}[^\s%]{0,20}\s+in\s*\([^)]{0,500}\)\s*do\b/i;
// IF EXIST x, IF ERRORLEVEL 1, IF "%1"=="", IF [a]==[b], IF a==b cmd, IF %x% GTR 2: cmd.exe syntax, not prose.
const BATCH_IF = /(?:^|[&|;(]\s*)if\s*(?:\/i\s+|\s)(?:not\s+)?(?:(?:exist|defined|errorlevel|cmdextversion)\s+\S|[^\s=]{1,100}={2,3}[^\s=]{1,100}\s+\S|(?:"[^"\n]{0,100}"|\[[^\]\n]{0,100}\]|\{[^}\n]{0,100}\}|\([^)\n]{0,100}\)|%[\w~]{1,40}%?|![\w]{1,40}!)\s*==|\S{1,100}\s+(?:equ|neq|lss|leq|gtr|geq)\s+\S)/i;
// $(cmd), ${x#...}, ${x:-y}, $((1+2)), $[1+2], /[e]tc/[p]asswd globs, fork bombs.
const SHELL_EXPRESSION = /\$\(\(|\$\[[^\]\n]{0,40}\]|\$\{[a-z_]{1,30}(?:[#%/^,~@]|:[-=?+\d])[^}\n]{0,60}\}|\$\{[^}\n]{0,30}:-|\$\{\s*`|(?:^|[\s=;|&(`'"<,{])\/(?:[\w.-]{1,12}\/){0,3}[\w.-]{0,12}(?:\[[!^]?[\w?*/-]{1,12}\]|[\w/]\?|\?[\w?/]|\*\/)[\w.?*[\]!^/-]{0,40}(?=$|[\s;|&)`'",}])|([\w.:]{1,20})\s*\(\s*\)\s*\{\s*\1(?:\s*\(\s*\))?\s*[|&]\s*\1/i;
// A command assembled from variables: c=cat&&$c /etc/passwd, $c1$c2$c3 (read on the value as written).
const VARIABLE_COMMAND = /(?:\$[a-z_]\w{0,10}){3,}|\b[a-z_]\w{0,10}=[^\s;&|]{1,40}\s*(?:&&|;|\|\|)\s*(?:[a-z_]\w{0,10}=[^\s;&|]{1,40}\s*(?:&&|;)\s*)*\$[a-z_]/i;
// CRLF into a mail protocol conversation (SMTP, IMAP, POP3).
const MAIL_COMMAND = /[\r\n]\s*(?:(?:mail\s+from|rcpt\s+to)\s*:|(?:ehlo|helo)\s+\S|data\s*[\r\n]|[a-z]\d{1,4}\s+(?:login|authenticate|select|examine|status|uid|fetch|store|list|lsub|append|capability|create|delete|rename|copy|search|expunge|logout)\b|(?:apop|user|pass|retr|dele|list|top|auth|stat|uidl)\s+\S|vrfy\s+\S|expn\s+\S)/i;
const ALIAS = /(?:^|[;&|\n]\s*)alias\s+(?:[-+]\w+\+?\s+)*['"]?[\w.-]{1,30}['"]?=/i;
// c{a,oun}t, {,ifconfig}, {l,-lh}s: a brace group glued to a word or with an empty alternative.
const BRACE = /([\w/.-]{0,40})\{([^{}\s]{0,200})\}([\w/.-]{0,40})/g;

/** The value with shell quoting and expansion tricks removed (only for matching). */
export function shellForm(value: string): string {
  let s = value;
  if (s.indexOf('\\') >= 0) s = s.replace(/\\\r?\n/g, '').replace(/\\(?=[\w/.-])/g, '');
  // $IFS is a space; $@, $1, ${x}, $u expand to nothing in a payload (c$@at, /etc$u/passwd).
  if (s.indexOf('$') >= 0) {
    s = s.replace(/\$\{?IFS\}?(?:\$\d)?/g, ' ')
      .replace(/\$(?:[@*#?!$-]|_(?!\w)|\d)|\$\(\)|\$\{\s*(?!(?:SHELL|BASH|ZSH)\s*\})\w{0,20}\s*\}|\$(?!(?:SHELL|BASH|ZSH)\b)[a-z_]\w{0,20}(?=[\s/;|&'"]|$)|\$(?=['"])/gi, '');
  }
  // `+` for a space between a command and its arguments (cat+/etc/passwd), and empty process substitutions (pi>()ng).
  if (s.indexOf('+') >= 0) s = s.replace(/\+(?=[/~-])/g, ' ');
  if (s.indexOf('()') >= 0) s = s.replace(/[<>]\(\)/g, '');
  if (s.indexOf("''") >= 0 || s.indexOf('""') >= 0 || s.indexOf('``') >= 0) s = s.replace(/''|""|``/g, '');
  if (/\w['"]\w/.test(s)) s = s.replace(/(?<=\w)['"](?=[\w/.-])|(?<=[\w/])['"](?=\w)/g, '');
  return s;
}

interface CommandWord {
  name: string;
  end: number;
  written: string;
  viaRunner: boolean;
  /** Called by path (/bin/gunzip, /usr/bin/python3): no prose names a program that way. */
  byPath: boolean;
}

const COMMAND_AT = /\s*['"]?((?:\/[\w.-]{1,40}){0,4}\/)?([a-z0-9_.+-]{1,40})['"]?/iy;
const RUNNER_ARGS = /\s+(?:-\w+(?:\s+\d+)?\s+)*(?=[\w/'"])/y;

/** The command word at `i` (after an optional /usr/bin/ and runner prefixes: time sh -c id). */
function commandAt(s: string, i: number): CommandWord | null {
  let runner: CommandWord | null = null;
  for (let hops = 0; hops < 3; hops++) {
    COMMAND_AT.lastIndex = i;
    const m = COMMAND_AT.exec(s);
    if (!m) return runner;
    let name = m[2]!.toLowerCase();
    // python3.10 is python3
    if (!COMMANDS.has(name) && /\d$/.test(name)) name = name.replace(/[\d.]+$/, '');
    const word: CommandWord = { name, end: COMMAND_AT.lastIndex, written: m[2]!, viaRunner: runner !== null, byPath: m[1] !== undefined && /^\/(?:usr\/)?(?:local\/)?s?bin\//.test(m[1]) };
    if (!RUNNERS.has(word.name)) return word;
    RUNNER_ARGS.lastIndex = COMMAND_AT.lastIndex;
    if (!RUNNER_ARGS.exec(s)) return word;
    runner ??= word;
    i = RUNNER_ARGS.lastIndex;
  }
  return runner;
}

function braceCommand(value: string): boolean {
  if (value.indexOf('{') < 0) return false;
  for (const m of value.matchAll(BRACE)) {
    const [, pre, body, post] = m as unknown as [string, string, string, string];
    const alts = body.replace(/['"]/g, '').split(',');
    if (alts.length < 2) continue;
    const words = alts.map((a) => pre + a + post).filter((w) => w.length > 0);
    const first = words[0]?.toLowerCase();
    if (first === undefined || !COMMANDS.has(first)) continue;
    // {cat,/etc/passwd}, {nc,-nlvp,777}: a command and its arguments; or glued/empty forms no text has.
    if (pre !== '' || post !== '' || alts.includes('') || words.slice(1).some((w) => /^[-/]/.test(w)) || !AMBIGUOUS.has(first)) return true;
  }
  return false;
}

const SUBSTITUTIONS = new Set(['`', '$(', '<(', '>(']);
/** jQuery and friends: $(document), $(this) are not command substitutions. */
const NOT_COMMANDS = new Set(['command', 'document', 'window', 'this', 'function']);

function afterSeparator(s: string, value: string): boolean {
  SEPARATOR.lastIndex = 0;
  for (let m = SEPARATOR.exec(s); m !== null; m = SEPARATOR.exec(s)) {
    const sep = m[0];
    const cmd = commandAt(s, m.index + sep.length);
    if (cmd === null || !COMMANDS.has(cmd.name) || NOT_COMMANDS.has(cmd.name)) continue;
    // Shells are case-sensitive: `|PG|R|` is a table, `;CHMOD +X` runs nothing.
    if (/[A-Z]/.test(cmd.written)) continue;
    const rest = s.slice(cmd.end);
    const wordy = AMBIGUOUS.has(cmd.name) || INTERPRETERS.has(cmd.name);
    // $(uname), <(cat file), `whoami`: a substitution runs what it holds. Backticks are also how prose
    // quotes code ("the `id` field", "`ls -la` output"): a common word there needs paths or shell syntax with it.
    if (sep === '`' && wordy) {
      if (LINE_ARG.test(rest) || /\$[{(]|<<<|\|/.test(value)) return true;
      continue;
    }
    if (SUBSTITUTIONS.has(sep) || (wordy ? STRONG_ARG : SHELL_ARG).test(rest)) return true;
    const alone = /^\s*$/.test(s.slice(0, m.index)) && /^\s*$/.test(rest);
    if (sep === '&' && !alone) continue;
    // An English word or a language name after ; or | is a list ("Java;Python"), unless it is all the value holds (";ps").
    if (wordy && !cmd.viaRunner && !alone) continue;
    if (/^\s*(?:$|[;|&`)'"#])|^(?:\s+[\w.,:=/@-]{1,40}){1,4}\s*(?:$|[;|&`)#])/.test(rest)) return true;
  }
  return false;
}

/** The whole value is a command line. `evaded`: shell tricks were undone inside its first word (cu$@rl, p""ython). */
function direct(s: string, evaded: boolean): boolean {
  const head = commandAt(s, 0);
  if (head === null || !COMMANDS.has(head.name)) return false;
  const rest = s.slice(head.end);
  // `users/`, `/api/cat/`: a slash glued to the word continues a path (a route), it is no argument.
  if (rest.charCodeAt(0) === 47) return false;
  const args = /^\s+\S/.test(rest);
  // Flags alone are what a search for a command looks like ("ls -la", "chmod 755"); paths, variables,
  // URLs and redirections are not, nor is a program called by its path.
  if (LINE_ARG.test(rest) || ((evaded || head.byPath) && args)) return true;
  // time curl x, nohup wget y: a runner prefix is shell syntax already.
  if (head.viaRunner && (!AMBIGUOUS.has(head.name) || args)) return true;
  if (FETCHERS.has(head.name) && /^\s+(?:-\S+\s+)*[a-z][a-z0-9+.-]{1,10}:\/\/\S/i.test(rest)) return true;
  // whoami;0'0'": a tool no sentence names, then a separator.
  return SHELL_ONLY.has(head.name) && /^\s*[;|&]/.test(rest);
}

/** The rule name when `value` (decoded) is command injection, else null. */
export function judgeCommand(value: string): string | null {
  if (SHELLSHOCK.test(value)) return 'command-injection-shellshock';
  // cmd.exe and PowerShell read the value as written: a backslash is a path separator there.
  if (WINDOWS.test(value) || BATCH_FOR.test(value) || BATCH_IF.test(value)) return 'command-injection-windows';
  if (MAIL_COMMAND.test(value)) return 'command-injection-mail';
  if (VARIABLE_COMMAND.test(value)) return 'command-injection-shell-expression';
  const s = shellForm(value);
  if (REVERSE_SHELL.test(s)) return 'command-injection-shell';
  if (SHELL_EXPRESSION.test(s) || ALIAS.test(s) || braceCommand(s)) return 'command-injection-shell-expression';
  if (afterSeparator(s, value)) return 'command-injection-separator';
  // Evasion inside the first word (cu$@rl, p""ython, c\at), not an apostrophe somewhere in a sentence.
  const first = /^\s*\S+/.exec(value)?.[0] ?? '';
  return direct(s, shellForm(first) !== first) ? 'command-injection-direct' : null;
}

/** Every rule name judgeCommand returns. */
export const COMMAND_RULES: readonly string[] = ['command-injection-shellshock', 'command-injection-shell', 'command-injection-windows',
  'command-injection-shell-expression', 'command-injection-mail', 'command-injection-separator', 'command-injection-direct'];
