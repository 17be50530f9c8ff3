// The log levels, least to most severe, and which ones a configured level lets through.
export const LogLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LogLevels)[number];
/** A level a line can be written at (`silent` only configures). */
export type LineLevel = Exclude<LogLevel, 'silent'>;

export function levelEnabled(configured: LogLevel, line: LineLevel): boolean {
  return LogLevels.indexOf(line) >= LogLevels.indexOf(configured);
}
