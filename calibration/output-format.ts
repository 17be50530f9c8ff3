// The formats of readings.calibrated's values: Kalibra's JSON, or the Kafka Connect JSON
// envelope (schema + payload) a JDBC sink can take. A leaf module, so that a command can
// declare its options without loading the topology.
export const OutputFormats = ['kalibra', 'connect-json'] as const;
export type OutputFormat = (typeof OutputFormats)[number];
