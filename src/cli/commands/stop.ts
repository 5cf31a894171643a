import { appAction } from './app-action.js';

export default appAction('stop', 'stop an app (or all) and wait until it has exited', 'stopped');
