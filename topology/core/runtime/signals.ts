// SIGTERM/SIGINT → a clean stop (Kubernetes sends SIGTERM, then SIGKILL after the grace period).
// It must never call process.exit: the process ends when the stopped runtime frees the event loop.
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Calls `stop` once on the first SIGTERM or SIGINT; returns a function that removes the handlers. */
export function onShutdownSignal(stop: () => Promise<void>): () => void {
  const handler = (): void => {
    remove();
    void stop();
  };
  function remove(): void {
    for (const signal of SIGNALS) process.removeListener(signal, handler);
  }
  for (const signal of SIGNALS) process.once(signal, handler);
  return remove;
}
