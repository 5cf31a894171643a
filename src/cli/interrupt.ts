// Following commands (`logs -f`, `events -f`) end on Ctrl-C or SIGTERM with exit 0: the user
// stopped a view, nothing failed. One helper so every follower ends the same way.
export function untilInterrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (sig: NodeJS.Signals) => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(sig);
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
