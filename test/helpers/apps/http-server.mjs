// An HTTP server on PORT that answers STATUS (default 500) to every request.
import http from 'node:http';
const status = Number(process.env.STATUS ?? 500);
http.createServer((req, res) => { res.statusCode = status; res.end('x'); })
  .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
