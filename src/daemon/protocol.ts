// The control protocol: newline-delimited JSON over the unix socket in $BULWARK_HOME.
// A request gets exactly one response, except streams (events -f), which send `data` messages
// until the client disconnects.
export const PROTOCOL_VERSION = 1;

export interface ControlRequest {
  v: number;
  id: number;
  cmd: string;
  args?: Record<string, unknown>;
}

export type ControlResponse =
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: { code: string; message: string } }
  | { id: number; data: unknown };

/** An error the daemon reports to the client by code (EUNKNOWN_APP, ECONFIG, EBADREQ, ...). */
export class ControlError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
