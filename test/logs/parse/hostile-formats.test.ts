// Node's RegExp has no timeout: every parser must stay linear on hostile 64 KB lines shaped like its format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../../src/logs/parse/index.js';

const SIZE = 64 * 1024;
// Fragments aimed at each parser's searches (repeated "from", fake contexts and fields, brackets, pipes).
const FRAGMENTS = [' from ', ' from 1.2.3.4', ' port 1', ' from 1.2.3.4 port 1 ssh2', ', client: ', ', client: 1.2.3.4, server: ',
  '[client ', '[client [', ' rhost=', ', rip=', 'user=<', '|', '(', '((', '[', ']', ' ', ': ', '"', '\\"', 'x', '1.2.3.4 port 1 ',
  ' not allowed because ', ' via ', ' FAIL LOGIN: Client "', '[pid 1] ', ' - ', 'message repeated 1 times: [ ', '@1.2.3.4) '];
const PREFIXES = [
  'Oct 10 13:55:36 h sshd[1]: Failed password for ', 'Oct 10 13:55:36 h sshd[1]: Invalid user ', 'Oct 10 13:55:36 h sshd[1]: Connection closed by ',
  'Oct 10 13:55:36 h sshd[1]: User ', 'Oct 10 13:55:36 h sshd[1]: error: PAM: Authentication failure for ',
  'Oct 10 13:55:36 h sshd[1]: pam_unix(sshd:auth): authentication failure; logname= ruser=', 'Oct 10 13:55:36 h sshd[1]: Disconnecting invalid user ',
  'Oct 10 13:55:36 h sshd[1]: Received disconnect from ', 'Oct 10 13:55:36 h proftpd[1] h (n[1.2.3.4]): USER ',
  'Oct 10 13:55:36 h dovecot: imap-login: Aborted login (auth failed, 1 attempts): user=<', 'Oct 10 13:55:36 h dovecot: auth: pam(',
  'Oct 10 13:55:36 h postfix/smtpd[1]: warning: unknown[1.2.3.4]: SASL LOGIN authentication failed: ', 'Oct 10 13:55:36 h vsftpd: [',
  'Oct 10 13:55:36 h pure-ftpd: (', 'Oct 10 13:55:36 h d: https://x|1|user|1.2.3.4|', '2024/10/10 13:55:36 [error] 1#0: *1 user "',
  '[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] user ', '[Sun Dec 04 04:47:44 2005] ', '<38>1 2019-07-08T17:40:16Z h sshd 1 - [',
  'Oct 10 13:55:36 ', '2024-10-10T13:55:36Z ', 'h ', 'GET /', 'www.example.com:443 ',
];

test('every format parser takes linear time on hostile 64 KB lines', () => {
  const slow: string[] = [];
  for (const prefix of PREFIXES) {
    const t0 = performance.now();
    for (const f of FRAGMENTS) {
      const body = f.repeat(Math.ceil(SIZE / f.length)).slice(0, SIZE - prefix.length);
      parseLine(prefix + body, 'auto');
      parseLine(prefix + body + ' ms', 'auto');
    }
    const ms = performance.now() - t0;
    // Linear parsing takes a few ms per line; quadratic takes seconds. 4 s bound for a loaded CI box.
    if (ms > 4000) slow.push(`${JSON.stringify(prefix)}: ${ms.toFixed(0)} ms for ${FRAGMENTS.length * 2} lines`);
  }
  assert.deepEqual(slow, []);
});
