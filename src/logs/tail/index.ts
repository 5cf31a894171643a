// The file tail source of the log pipeline (see docs/tail.md).
export { TailSource, type TailBatch, type TailSourceOptions, type TailStats } from './tail-source.js';
export { TailError, type TailErrorCode } from './errors.js';
