import { test } from 'node:test';
import { hundredRotations } from './helpers/rotation-scenario.js';

test('copytruncate: 100 rotations at 10,000 lines/s lose and duplicate nothing (app.log* is watched: the unread tail is finished in the copy app.log.N)', async (t) => {
  await hundredRotations(t, 'copytruncate', ['app.log*']);
});
