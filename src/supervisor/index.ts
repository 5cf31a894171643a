export { Supervisor, type AppStatus, type SupervisorOptions } from './supervisor.js';
export { SupervisorError, type SupervisorErrorCode } from './errors.js';
