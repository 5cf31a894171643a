// User agents of attack and reconnaissance tools. A low-severity signal on its own (anyone can
// send any user agent, and research scanners are noisy rather than hostile), reported as its own
// `scanner` event so the request's other findings keep their own severity.
import type { Signature } from './signatures.js';

export const SCANNER_AGENT: Signature = {
  rule: 'scanner-user-agent',
  re: /\b(?:sqlmap|nikto|wpscan|zgrab|masscan|nuclei|zmeu|nmap scripting engine|nmap nse|acunetix|netsparker|openvas|nessus|w3af|havij|arachni|dirbuster|gobuster|dirb|ffuf|feroxbuster|wfuzz|whatweb|jaeles|commix|fimap|bsqlbf|xsser|skipfish|httprint|morfeus|muieblackcat|jorgee|l9explore|l9tcpid|leakix|wapiti|dirsearch|sqlninja|appscan|webinspect|paros|zmap|brutus|pangolin|vega|grendel-scan|webshag|sqlpowerinjector|blackwidow|sysscan|jbrofuzz|metis|mysqloit|nsauditor|n-stealth|satori|webvulnscan|cgichk|internet ninja|httpx - open-source|projectdiscovery|zmeu|nasl|qualys)\b/i,
};

/** PHP's built-in logo and credits GUIDs (`?=PHPE9568F34-D428-11d2-A769-00AA001ACF42`): tools fingerprint PHP versions with them. */
export const PHP_FINGERPRINT: Signature = {
  rule: 'scanner-php-fingerprint',
  re: /[?&]=php[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:&|$)/i,
};
