// Errors of the demo (bin/demo): a step that failed, or a child process that would not become
// ready or died. A closed list of codes, the cause kept; nothing here is retried by itself.
import { KalibraError } from '../../topology/index.ts';
import type { KalibraErrorOptions } from '../../topology/index.ts';

export const DemoErrorCodes = [
  'STEP_FAILED',       // bin/dev-stack up or bin/topics apply exited non-zero
  'CHILD_NOT_READY',   // a sink or the calibrator did not answer /readyz before the deadline
  'CHILD_EXITED',      // a sink or the calibrator exited while the demo was running
] as const;

export type DemoErrorCode = (typeof DemoErrorCodes)[number];

export class DemoError extends KalibraError<DemoErrorCode> {
  constructor(code: DemoErrorCode, message: string, options: KalibraErrorOptions = {}) {
    super(code, message, options);
    this.name = 'DemoError';
  }
}
