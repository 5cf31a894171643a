// A plain HTTP app as PM2 users write it: listen(PORT), answer "<pid>". WORK=N burns N iterations
// of arithmetic per request (a CPU-bound handler: a fixed amount of work, not a fixed time).
const http = require('node:http');
const work = Number(process.env.WORK || 0);
http.createServer((req, res) => {
  let x = 0;
  for (let i = 0; i < work; i++) x += Math.sqrt(i);
  res.end(`${process.pid} ${x > 0 ? 1 : 0}\n`);
}).listen(Number(process.env.PORT), '127.0.0.1');
