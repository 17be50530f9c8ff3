// The messages between the profile parser pool and its worker threads. Types only: both sides
// import them, and they must stay structured-clonable (no functions, no class instances).
import type { FileCheckJob, FileCheckOutcome } from './profile-file-check.ts';

export interface BatchRequest {
  batch: number;
  jobs: FileCheckJob[];
  /** The size limit in bytes (KALIBRA_PROFILE_MAX_BYTES). */
  limit: number;
  /** Post each outcome at once: the batch is being retried file by file after a crash or a timeout. */
  isolated: boolean;
}

export interface BatchReply {
  batch: number;
  outcomes: FileCheckOutcome[];
  /** The last reply of this batch. */
  done: boolean;
}
