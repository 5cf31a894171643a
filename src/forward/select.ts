// Which `select` value an event falls under.
import type { BulwarkEvent } from '../events/types.js';
import type { Selection } from './settings.js';

export function selectionOf(e: BulwarkEvent): Selection {
  switch (e.type) {
    case 'security':
    case 'ban': return 'security'; // active response travels with the detections that caused it
    case 'alert': return 'alerts';
    default: return 'lifecycle'; // lifecycle, daemon and forward events
  }
}
