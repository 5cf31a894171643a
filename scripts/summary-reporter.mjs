// Prints the plain closing line CI reads: "N passed, N failed[, N skipped]".
export default async function* summary(source) {
  let passed = 0, failed = 0, skipped = 0;
  for await (const ev of source) {
    if (ev.type !== 'test:pass' && ev.type !== 'test:fail') continue;
    if (ev.data.details?.type === 'suite') continue;
    if (ev.data.skip || ev.data.todo) { skipped++; continue; }
    if (ev.type === 'test:pass') passed++; else failed++;
  }
  yield `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}
