import { appAction } from './app-action.js';

export default appAction('restart', 'restart an app (or all)', 'restarted');
