// Prints one line, then idles until signalled.
console.log(`up ${process.pid}`);
setInterval(() => {}, 1 << 30);
