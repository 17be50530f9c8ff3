// Every error the calibration domain reports: bad profiles (with file:line:col), bad raw
// readings (one DLQ code per cause) and bad command options. Codes are a closed list so
// dashboards and DLQ consumers can rely on them; messages are for people.
import { KalibraError } from '../topology/core/ops/index.ts';
import type { KalibraErrorOptions } from '../topology/index.ts';

/** Why a raw reading was sent to readings.dlq; the value of the `kalibra.error.code` header. */
export const ReadingErrorCodes = [
  'TOO_LARGE',          // the record value is over 64 KiB
  'INVALID_ENCODING',   // the bytes are not valid UTF-8
  'NOT_JSON',           // not parseable as JSON
  'NOT_AN_OBJECT',      // JSON, but not an object (array, number, string, null)
  'INVALID_ENVELOPE',   // a Kafka Connect JSON envelope ({schema, payload}) whose schema or payload is not the raw reading's (calibration/raw-reading-envelope.ts)
  'DUPLICATE_KEY',      // a key appears twice in one JSON object ({"value":"x","value":1}): which is meant is unknowable
  'MISSING_SENSOR_ID',  // no sensor_id, or an empty one
  'INVALID_SENSOR_ID',  // sensor_id is not a string of [A-Za-z0-9._-], max 128
  'MISSING_TS',         // no ts
  'INVALID_TS',         // ts is neither ISO-8601 with a zone nor integer epoch ms
  'TS_TOO_OLD',         // ts before 2000-01-01T00:00:00Z
  'TS_IN_FUTURE',       // ts more than a day after now
  'MISSING_VALUE',      // no value, or null
  'VALUE_NOT_NUMBER',   // value is a string, boolean, object...
  'INVALID_VALUE',      // value is NaN or Infinity (a "NaN" string, or an exponent too big for a double)
  'INVALID_UNIT',       // unit present but not 1-32 characters of A-Z a-z 0-9 _ % ° µ . / - (no spaces, control characters or lone surrogates)
  'MISSING_KEY',        // the record has no key (the compacted topics need one)
  'INVALID_KEY',        // the key is not `<sensor_id>|<epoch ms>`
  'KEY_MISMATCH',       // the key names another sensor or another ts than the value
  'UNIT_MISMATCH',      // the reading says a unit the profile version in force does not take
] as const;

export type ReadingErrorCode = (typeof ReadingErrorCodes)[number];

export const ProfileErrorCodes = [
  'PROFILE_INVALID',        // one or more files failed validation; `issues` has file:line:col
  'PROFILES_DIR_UNREADABLE', // the profiles directory could not be listed or a file read
  'SENSOR_NOT_FOUND',       // asked for a sensor that has no profile
  'OPTION_INVALID',         // a command-line option or watcher option is wrong; the message names it
] as const;

export type ProfileErrorCode = (typeof ProfileErrorCodes)[number];

export type CalibrationErrorCode = ReadingErrorCode | ProfileErrorCode;

/** One problem in one profile file, located for an editor or a CI log. Line and col are 1-based. */
export interface ProfileIssue {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatIssue(issue: ProfileIssue): string {
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.message}`;
}

export interface CalibrationErrorOptions extends KalibraErrorOptions {
  issues?: readonly ProfileIssue[];
}

export class CalibrationError extends KalibraError<CalibrationErrorCode> {
  /** For PROFILE_INVALID: every problem found, in file order. Empty otherwise. */
  readonly issues: readonly ProfileIssue[];

  constructor(code: CalibrationErrorCode, message: string, options: CalibrationErrorOptions = {}) {
    super(code, message, options);
    this.name = 'CalibrationError';
    this.issues = options.issues ?? [];
  }
}

/** A PROFILE_INVALID error whose message lists every issue, one `file:line:col: message` a line. */
export function profileInvalid(issues: readonly ProfileIssue[]): CalibrationError {
  const lines = issues.map(formatIssue);
  return new CalibrationError('PROFILE_INVALID', `invalid calibration profiles:\n${lines.join('\n')}`, { issues });
}
