// `bulwark events | head -1`: once the reader closes the pipe, the command ends quietly (exit 0)
// instead of printing an EPIPE stack trace; following commands (-f) stop too.
export function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
}
