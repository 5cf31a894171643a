// process.env is read through C++ interceptors: a copy of it costs ~0.1 ms, and every spawn needs
// one (its PATH lookups and its environment). A thousand spawns copied it thousands of times; one
// plain copy now serves a whole turn of the event loop (the spawn gate lets a batch through per
// turn), and the next turn copies afresh, so a change to process.env is seen at the next turn.
let copy: NodeJS.ProcessEnv | null = null;

/** A plain copy of process.env for this turn of the event loop; callers must not modify it. */
export function processEnvCopy(): NodeJS.ProcessEnv {
  if (copy === null) {
    copy = { ...process.env };
    setImmediate(() => { copy = null; }).unref();
  }
  return copy;
}
