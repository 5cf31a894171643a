// Which `select` value an event falls under.
import type { BulwarkEvent } from '../events/types.js';
import type { Selection } from './settings.js';

export function selectionOf(e: BulwarkEvent): Selection {
  switch (e.type) {
    case 'security': return 'security';
    case 'alert': return 'alerts';
    default: return 'lifecycle'; // lifecycle, daemon and forward events
  }
}
