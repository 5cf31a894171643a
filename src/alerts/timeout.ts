// Bound a delivery by a deadline: a hung receiver must not hold a channel forever.
import { withDeadline } from '../common/deadline.js';
import { AlertError } from './errors.js';

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return withDeadline(p, ms, () => new AlertError('EALERT_TIMEOUT', `${what} timed out after ${ms}ms`));
}
