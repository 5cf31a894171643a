// Public surface of the forwarding sink.
export { Forwarder, isLogLine, type ForwarderOptions, type ForwarderCounters, type ForwardInput } from './forwarder.js';
export type { EndpointStatus } from './endpoint.js';
export type { TestResult } from './test-endpoint.js';
export { ForwardError, type ForwardErrorCode } from './errors.js';
export { resolveEndpoint, PRESETS, type EndpointSettings } from './settings.js';
