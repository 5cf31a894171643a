// The file tail source of the log pipeline (see docs/tail.md).
export { TailSource, type TailStats } from './tail-source.js';
export type { TailBatch } from './batch-reader.js';
export type { TailSourceOptions } from './tail-options.js';
export { TailError, type TailErrorCode } from './errors.js';
