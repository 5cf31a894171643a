// A plain HTTP app, as PM2 users write them: listen(PORT) and answer with its pid. Unchanged code
// serves in cluster mode (the daemon answers Node's cluster protocol). VERSION goes in the answer;
// CRASH=1 makes it throw at start (a broken new version); SLOW_MS delays each answer.
import http from 'node:http';
if (process.env.CRASH === '1') throw new Error('broken build: cannot start');
const slow = Number(process.env.SLOW_MS ?? 0);
http.createServer((req, res) => {
  const answer = () => res.end(`${process.pid} ${process.env.VERSION ?? ''} ${process.env.NODE_APP_INSTANCE ?? ''}\n`);
  if (slow > 0) setTimeout(answer, slow); else answer();
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`listening on ${process.env.PORT}`));
