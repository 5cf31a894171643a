// The name this daemon gives its host: HOSTNAME in every syslog frame it forwards, the host in
// alerts, `ping` and the dashboard. os.hostname() unless BULWARK_HOSTNAME names another (a fleet
// whose machines share a hostname, containers, or several daemons on one machine). Checked when
// the daemon starts: syslog allows printable ASCII without spaces, at most 255 characters.
import { hostname } from 'node:os';

const SYSLOG_HOSTNAME = /^[!-~]{1,255}$/;

export function daemonHostname(env: NodeJS.ProcessEnv = process.env): string {
  const wanted = env.BULWARK_HOSTNAME;
  if (wanted === undefined || wanted === '') return hostname();
  if (!SYSLOG_HOSTNAME.test(wanted)) {
    throw new Error(`BULWARK_HOSTNAME ${JSON.stringify(wanted.slice(0, 80))} is not a syslog host name: 1 to 255 printable ASCII characters, no spaces`);
  }
  return wanted;
}
