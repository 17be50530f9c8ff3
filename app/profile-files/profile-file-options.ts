// The option that bounds a profile file's size, declared apart from the loader so that a
// command can declare it (and answer --help) without loading the parser.
import { defineOptions } from '../../topology/core/ops/index.ts';

/** A profile is a few KiB; 1 MiB holds the longest table a profile may have (MAX_ARRAY_ITEMS points) several times over. */
export const DEFAULT_PROFILE_MAX_BYTES = 1024 * 1024;

/** Shared by bin/calibrator and bin/profiles, so both check a directory the same way. */
export const profileFileOptions = defineOptions({
  profileMaxBytes: {
    env: 'KALIBRA_PROFILE_MAX_BYTES', type: 'int', min: 1, default: DEFAULT_PROFILE_MAX_BYTES, placeholder: 'bytes', group: 'Calibrator',
    description: 'Largest profile file accepted, in bytes; a larger one is invalid (reported with its size and the limit) and is not parsed.',
  },
});
