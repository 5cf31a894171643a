// Prints N tagged JSON lines, each naming a unique user of SIZE bytes, then idles.
// argv: N SIZE
const [n, size] = process.argv.slice(2).map(Number);
const pad = 'u'.repeat(size);
let i = 0;
function more() {
  while (i < n) {
    const line = `{"category":"malicious-traffic","msg":"blocked","ip":"203.0.113.${i % 250}","user":"${i}-${pad}"}\n`;
    i++;
    if (!process.stdout.write(line)) { process.stdout.once('drain', more); return; }
  }
}
more();
setInterval(() => {}, 1 << 30);
