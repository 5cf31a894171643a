// Text from logs and log-derived fields (captured lines, ip, user, reasons) is data an attacker may
// have written: before it reaches a terminal it goes through the shared escaping layer
// (src/common/escape.ts), the same one tables, alerts and the dashboard use, so every output shows
// a control, bidi or invisible character the same way (`\x1b`, `\u202e`).
export { escapeText as terminalSafe, stringifySafe as terminalJson } from '../common/escape.js';
