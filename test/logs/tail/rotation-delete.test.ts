import { test } from 'node:test';
import { hundredRotations } from './helpers/rotation-scenario.js';

test('delete+recreate: 100 rotations at 10,000 lines/s lose and duplicate nothing (the deleted file is finished through the fd kept open)', async (t) => {
  await hundredRotations(t, 'delete', ['app.log']);
});
