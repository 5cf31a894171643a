# A Python HTTP server that takes its socket from bulwark (systemd's socket activation): fd 3
# when LISTEN_PID is this process and LISTEN_FDS says so. Answers "<pid> <LISTEN_FDNAMES>". Stops
# gracefully on SIGTERM as gunicorn does: no new connection, the one in hand answered.
import http.server
import os
import signal
import socket
import threading

assert os.environ.get('LISTEN_PID') == str(os.getpid()), 'LISTEN_PID is not this process'
assert int(os.environ['LISTEN_FDS']) >= 1, 'no socket passed'
sock = socket.socket(fileno=3)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"{os.getpid()} {os.environ.get('LISTEN_FDNAMES', '')}\n".encode()
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(sock.getsockname()[:2], Handler, bind_and_activate=False)
server.socket = sock
signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
print('serving on fd 3', flush=True)
server.serve_forever()
