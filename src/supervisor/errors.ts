// Errors the supervisor throws carry a code the daemon maps to a reply (EEXIST, ENOENT, ESPAWN).
export type SupervisorErrorCode = 'EEXIST' | 'ENOENT' | 'ESPAWN' | 'EREMOVED';

export class SupervisorError extends Error {
  readonly code: SupervisorErrorCode;
  constructor(code: SupervisorErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SupervisorError';
    this.code = code;
  }
}
