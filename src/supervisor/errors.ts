// Errors the supervisor throws carry a code the daemon maps to a reply (EEXIST, ENOENT, ESPAWN,
// ERELOAD: a reload stopped because a new instance failed; ESCALE: a count that cannot be).
export type SupervisorErrorCode = 'EEXIST' | 'ENOENT' | 'ESPAWN' | 'EREMOVED' | 'ERELOAD' | 'ESCALE';

export class SupervisorError extends Error {
  readonly code: SupervisorErrorCode;
  constructor(code: SupervisorErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SupervisorError';
    this.code = code;
  }
}
