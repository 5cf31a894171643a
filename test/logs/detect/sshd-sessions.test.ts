// One attempt counts once, however many lines sshd writes for it (detect/sshd-sessions.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthOutcome, parseLine } from '../../../src/logs/parse/index.js';
import { SshdSessions } from '../../../src/logs/detect/sshd-sessions.js';

/** Attempts each line stands for (0 when it is not a failure), fed in order to one tracker. */
function attempts(lines: string[]): number[] {
  const sessions = new SshdSessions();
  return lines.map((l) => {
    const p = parseLine(`Dec 10 06:55:46 LabSZ ${l}`, 'sshd');
    sessions.settle(p, 'auth.log');
    return p.auth === AuthOutcome.Failure ? p.attempts : 0;
  });
}

test('an invalid user guessing one password writes four lines: one attempt, on the first', () => {
  assert.deepEqual(attempts([
    'sshd[24200]: Invalid user webmaster from 173.234.31.186',
    'sshd[24200]: input_userauth_request: invalid user webmaster [preauth]',
    'sshd[24200]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186 ',
    'sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2',
    'sshd[24200]: Connection closed by 173.234.31.186 [preauth]',
  ]), [1, 0, 0, 0, 0]);
});

test('several passwords in one session count each; `message repeated N times` counts N; the final disconnect adds nothing', () => {
  assert.deepEqual(attempts([
    'sshd[24227]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.36.59.76  user=root',
    'sshd[24227]: Failed password for root from 5.36.59.76 port 42393 ssh2',
    'sshd[24227]: message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]',
    'sshd[24227]: error: maximum authentication attempts exceeded for root from 5.36.59.76 port 42393 ssh2 [preauth]',
    'sshd[24227]: Disconnecting: Too many authentication failures for root [preauth]',
    'sshd[24227]: PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.36.59.76  user=root',
  ]), [0, 1, 5, 0, 0, 0]);
});

test('rejected keys before a success are not failures; the same keys ending in "Too many authentication failures" are', () => {
  assert.deepEqual(attempts([
    'sshd[32307]: Failed publickey for git from 192.0.2.1 port 57904 ssh2: ECDSA SHA256:a',
    'sshd[32307]: Failed publickey for git from 192.0.2.1 port 57904 ssh2: RSA SHA256:b',
    'sshd[32307]: Accepted publickey for git from 192.0.2.1 port 57904 ssh2: ED25519 SHA256:c',
    'sshd[32307]: Connection closed by 192.0.2.1',
    'sshd[32310]: Failed publickey for git from 192.0.2.111 port 57910 ssh2: ECDSA SHA256:a',
    'sshd[32310]: Failed publickey for git from 192.0.2.111 port 57910 ssh2: RSA SHA256:b',
    'sshd[32310]: Disconnecting: Too many authentication failures for git [preauth]',
    'sshd[32310]: Connection closed by 192.0.2.111 [preauth]',
  ]), [0, 0, 0, 0, 0, 0, 2, 0]);
});

test('pam_unix failures wait: forgotten by a success of the same user, counted when another user is tried or accepted', () => {
  assert.deepEqual(attempts([
    'sshd[1556]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.113  user=rda',
    'sshd[1556]: Accepted password for rda from 192.0.2.113 port 52100 ssh2',
    'sshd[1559]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=root rhost=192.0.2.116',
    'sshd[1559]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=root rhost=192.0.2.116',
    'sshd[1559]: Accepted password for known from 192.0.2.116 port 52100 ssh2',
    'sshd[2716]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.112  user=root',
    'sshd[2716]: Connection closed by 192.0.2.112 [preauth]',
  ]), [0, 0, 0, 0, 2, 0, 1]);
});

test('a failure written before the session knows its client waits for the first line that names it; pids of other sessions do not', () => {
  const sessions = new SshdSessions();
  const feed = (l: string) => {
    const p = parseLine(`Nov 23 21:50:19 ${l}`, 'sshd');
    sessions.settle(p, 'auth.log');
    return [p.auth === AuthOutcome.Failure ? p.attempts : 0, p.ip];
  };
  assert.deepEqual(feed('sshd[8148]: Disconnecting: Too many authentication failures for root [preauth]'), [0, null]);
  assert.deepEqual(feed('sshd[7148]: Connection closed by 61.0.0.2'), [0, '61.0.0.2']);
  assert.deepEqual(feed('sshd[8148]: Connection closed by 61.0.0.1 [preauth]'), [1, '61.0.0.1']);
});

test('a reused pid with another client address or port is a new session', () => {
  assert.deepEqual(attempts([
    'sshd[22708]: Invalid user ftp from 192.0.2.1',
    'sshd[22708]: Invalid user ftp from 192.0.2.2 port 37220',
    'sshd[22708]: Failed password for invalid user ftp from 192.0.2.2 port 37220 ssh2',
    'sshd[22708]: Failed password for invalid user ftp from 192.0.2.2 port 37221 ssh2',
  ]), [1, 1, 0, 1]);
});
