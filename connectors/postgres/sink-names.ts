// The names a sink is configured with: its mappings and its ways of writing rows. A leaf
// module, so that bin/sink can declare and check its options without loading pg.
export const MappingNames = ['raw', 'calibrated'] as const;
export type MappingName = (typeof MappingNames)[number];

export const WriteMethods = ['copy', 'unnest'] as const;
export type WriteMethod = (typeof WriteMethods)[number];
/** Chosen by bench/sink.bench.ts (see bench/RESULTS.md). */
export const DEFAULT_WRITE_METHOD: WriteMethod = 'copy';
