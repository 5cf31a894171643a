// Writes LINES numbered lines ("<seq> <padding>") at RATE lines/s, cutting writes mid-line on
// purpose so the capture must reassemble them, then idles.
const total = Number(process.env.LINES ?? 10000);
const rate = Number(process.env.RATE ?? 5000);
const pad = 'x'.repeat(Number(process.env.PAD ?? 80));
let seq = 0;
let carry = '';
const started = Date.now();
function tick() {
  const due = Math.min(total, Math.ceil(((Date.now() - started) / 1000) * rate));
  let text = carry;
  for (; seq < due; seq++) text += `${seq} ${pad}\n`;
  if (seq >= total) {
    process.stdout.write(text);
    return;
  }
  const cut = Math.floor(text.length * 0.7); // leave a partial line for the next write
  process.stdout.write(text.slice(0, cut));
  carry = text.slice(cut);
  setTimeout(tick, 5);
}
tick();
setInterval(() => {}, 1 << 30);
