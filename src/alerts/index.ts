// The alerts module's public face for the daemon.
export { AlertManager, type AlertManagerOptions, type ChannelTestResult } from './manager.js';
export type { Alert } from './alert.js';
export type { Forwarder, ForwarderLookup } from './channels/channel.js';
