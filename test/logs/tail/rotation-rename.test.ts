import { test } from 'node:test';
import { hundredRotations } from './helpers/rotation-scenario.js';

// app.log* as docs/tail.md recommends: a file renamed before the tailer ever opened it (a stall
// longer than one 75 ms rotation period) is then still found under its new name.
test('rename+create: 100 rotations at 10,000 lines/s lose and duplicate nothing (app.log* watched)', async (t) => {
  await hundredRotations(t, 'rename', ['app.log*']);
});
