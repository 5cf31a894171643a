// A login server on PORT (IPv4 and IPv6): each connection sends one line, `LOGIN user password`;
// a wrong password is logged as sshd logs it, with the address the connection really came from.
import net from 'node:net';
const port = Number(process.env.PORT);
net.createServer((socket) => {
  const from = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  socket.setEncoding('utf8');
  socket.on('error', () => {});
  let buffered = '';
  socket.on('data', (chunk) => {
    buffered += chunk;
    const nl = buffered.indexOf('\n');
    if (nl < 0) return;
    const [, user = '-', password = ''] = buffered.slice(0, nl).split(' ');
    if (password === 'letmein') socket.end('OK\n');
    else {
      console.log(`Failed password for ${user} from ${from} port ${socket.remotePort} ssh2`);
      socket.end('DENIED\n');
    }
  });
}).listen({ port, host: '::' }, () => console.log(`listening on ${port}`));
