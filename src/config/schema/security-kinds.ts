// The kinds and severities of security events, as plain lists: what only names them (`bulwark
// events --type`) does not load the config's schemas and zod (~30 ms of a CLI call).
export const SECURITY_KINDS = ['tagged', 'sqli', 'xss', 'traversal', 'rfi', 'command-injection', 'code-injection', 'sensitive-file',
  'scanner', 'bad-request', 'brute-force', 'credential-stuffing', 'new-ip-login', 'account-change', 'custom'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export type SecurityKind = (typeof SECURITY_KINDS)[number];
export type Severity = (typeof SEVERITIES)[number];
