// The options of bin/simulate, declared once for parsing, --help and the README reference.
import { defineOptions } from '../../topology/core/ops/index.ts';
import { RawFormats } from '../../calibration/raw-reading-envelope.ts';

const group = 'Simulator';

export const simulatorOptions = defineOptions({
  sensors: { flag: 'sensors', type: 'int', default: 12, min: 1, max: 10_000, group, description: 'Number of sensors; the first 12 are the demo fleet of calibration-profiles/, the rest plain thermometers without a profile.' },
  rate: { flag: 'rate', type: 'int', default: 12, min: 1, max: 1_000_000, group, placeholder: 'readings/s', description: 'Readings per second over the whole fleet (each sensor reports every sensors/rate seconds).' },
  duration: { flag: 'duration', type: 'duration', group, placeholder: 'duration', defaultLabel: 'until Ctrl-C', description: 'How long to send live readings, e.g. 30s, 10m.' },
  start: { flag: 'start', type: 'string', group, placeholder: 'time', description: 'Back-fill history from this time (ISO-8601, epoch ms, or relative like 7d) as fast as the broker takes it, then go live.' },
  seed: { flag: 'seed', type: 'int', default: 1, min: 0, group, description: 'Seed of the true curves, noise, duplicates and malformed messages; the same seed gives the same readings.' },
  malformedPercent: { flag: 'malformed-percent', type: 'int', default: 1, min: 0, max: 100, group, description: 'Percent of readings followed by a malformed message (for the DLQ).' },
  duplicatePercent: { flag: 'duplicate-percent', type: 'int', default: 1, min: 0, max: 100, group, description: 'Percent of readings sent twice.' },
  rawFormat: {
    env: 'KALIBRA_RAW_FORMAT', flag: 'raw-format', type: 'string', choices: RawFormats, default: 'json', group,
    description: 'json: plain reading JSON; connect-json: each reading in a Kafka Connect JSON envelope, for Connect mode (the raw JDBC sink needs a schema). Malformed messages are sent as they are.',
  },
  maxRecords: { flag: 'max-records', type: 'int', min: 1, group, description: 'Stop after sending this many records.' },
});
