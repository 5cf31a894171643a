import { appAction } from './app-action.js';

export default appAction('delete', 'stop an app (or all) and forget it', 'deleted');
