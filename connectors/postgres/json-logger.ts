// JSON-lines logging for bin/sink until topology/core/ops's logger lands: one object per
// line on stderr with time, level and message. Callers never pass secrets; this does not
// try to find them.
import type { SinkLogger } from './sink-log.js';

const levels = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof levels)[number];

export function jsonLogger(minimum: string, write: (line: string) => void = (line) => { process.stderr.write(line); },
  base: Record<string, unknown> = {}): SinkLogger {
  const floor = Math.max(0, levels.indexOf(minimum as Level));
  const log = (level: Level) => (message: string, fields: Record<string, unknown> = {}): void => {
    if (levels.indexOf(level) < floor) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields })}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
