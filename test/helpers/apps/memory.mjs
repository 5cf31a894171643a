// Holds MB megabytes resident (touched, so they count in RSS), then idles.
const held = Buffer.alloc(Number(process.env.MB ?? 150) * 1024 * 1024, 1);
console.log(`holding ${held.length} bytes`);
setInterval(() => held[0]++, 1 << 30);
