// The logging seam of the sink: the runtime calls these, bin/sink decides where lines go.
// Fields must never carry secrets (no connection strings, no passwords).
export interface SinkLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: SinkLogger = {
  debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined,
};
