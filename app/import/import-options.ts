// The options of bin/import, declared once (parsing, --help and the README reference).
import { defineOptions, kafkaOptions } from '../../topology/core/ops/index.ts';
import { topicOptions } from '../../contract/topic-options.ts';

const group = 'Import';
const options = defineOptions({
  fromPostgres: {
    flag: 'from-postgres', type: 'string', placeholder: 'connection', group,
    description: 'Read history from this Postgres (libpq URI or key=value string; give the password in PGPASSWORD or ~/.pgpass, not here).',
  },
  query: { flag: 'query', type: 'string', placeholder: 'sql', group, description: 'With --from-postgres: the SELECT whose rows are the readings, read through a cursor. Give it an ORDER BY so --resume skips the same rows.' },
  file: { flag: 'file', type: 'string', placeholder: 'path', group, description: 'Read history from a CSV file (with a header line) or an NDJSON file (one JSON object a line).' },
  format: { flag: 'format', type: 'string', choices: ['csv', 'ndjson'], group, defaultLabel: 'from the extension (.csv, .ndjson/.jsonl)', description: 'The format of --file.' },
  sensorColumn: { flag: 'sensor-column', type: 'string', default: 'sensor_id', placeholder: 'column', group, description: 'The column (or NDJSON field) holding the sensor id.' },
  tsColumn: { flag: 'ts-column', type: 'string', default: 'ts', placeholder: 'column', group, description: 'The column holding the reading time: timestamptz, timestamp (with --timezone), ISO-8601 text or epoch milliseconds.' },
  valueColumn: { flag: 'value-column', type: 'string', default: 'value', placeholder: 'column', group, description: 'The column holding the raw value.' },
  unitColumn: { flag: 'unit-column', type: 'string', default: 'unit', placeholder: 'column', group, description: 'The column holding the unit; when the source has no such column, readings are sent without a unit.' },
  timezone: {
    flag: 'timezone', type: 'string', placeholder: 'zone', group,
    description: 'The zone of times written without one (a Postgres timestamp without time zone, or text without Z/offset): UTC, +01:00 or an IANA name such as Europe/Berlin. Without it such times are rejected.',
  },
  rejects: { flag: 'rejects', type: 'string', placeholder: 'path', group, defaultLabel: 'kalibra-import.rejects.ndjson', description: 'Where rejected rows go, one JSON line each: the row or line, its number, the code and the reason. The progress file is <path>.progress.json.' },
  // Keyed apart from bin/replay's dryRun, so the generated reference lists both.
  resume: { flag: 'resume', type: 'bool', default: false, group, description: 'Continue an interrupted import from its progress file (the same source and options).' },
  importDryRun: { flag: 'dry-run', type: 'bool', default: false, group, description: 'Read and validate everything, write the rejects file, produce nothing.' },
  batchSize: { flag: 'batch-size', type: 'int', default: 10_000, min: 1, max: 1_000_000, group, description: 'Rows per produce batch; the progress file moves after each acknowledged batch.' },
});
export const importCommandOptions = { ...kafkaOptions, topicRaw: topicOptions.topicRaw, ...options };
