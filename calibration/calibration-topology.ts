// The calibration topology: readings.raw → validate → calibrate with the profile version in
// force at the reading's ts → readings.calibrated. Bad input is dead-lettered with one code
// per cause (the runtime writes it to readings.dlq in the same transaction); a raw
// tombstone becomes a calibrated tombstone under the same key. It must never stop on bad
// input and never read profiles from disk itself: the set in force is passed in.
import { bytesSerde, nullableSerde, StreamsBuilder } from '../topology/index.ts';
import type { Processor, ProcessorContext, StreamRecord, Topology } from '../topology/index.ts';
import { calibrateRecord } from './calibrate-record.ts';
import { connectJsonSensorPart, encodeConnectJson, encodeConnectJsonTombstoneKey } from './connect-json.ts';
import { parseReadingKey, sensorPart } from '../contract/reading-key.ts';
import { CalibrationError } from './errors.ts';
import type { ProfileSet } from './profile.ts';
import { defaultTopicNames } from '../contract/topics.ts';
import { OutputFormats } from './output-format.ts';
import type { OutputFormat } from './output-format.ts';

export interface CalibrationTopologyOptions {
  /**
   * The profile set in force, asked once per record, so a hot reload (profile-watcher.ts:
   * `() => watcher.current()`) applies from the next record on.
   */
  profiles: () => ProfileSet;
  /** Default `readings.raw`. */
  rawTopic?: string;
  /** Default `readings.calibrated`. */
  calibratedTopic?: string;
  /**
   * `kalibra` (default): the calibrated JSON of docs/architecture.md#messages under the raw key.
   * `connect-json`: Kafka Connect JSON (schema + payload) key and value, for the JDBC sink.
   */
  outputFormat?: OutputFormat;
}

export { OutputFormats } from './output-format.ts';
export type { OutputFormat } from './output-format.ts';

/** The part of an output key the partitioner hashes, so a sensor keeps one partition in either format. */
export function outputPartitionKey(format: OutputFormat): (key: Buffer) => Buffer {
  return format === 'connect-json' ? connectJsonSensorPart : sensorPart;
}


type Bytes = Buffer | null;

export function buildCalibrationTopology(options: CalibrationTopologyOptions): Topology {
  if (typeof options !== 'object' || options === null || typeof options.profiles !== 'function') {
    throw new CalibrationError('OPTION_INVALID', 'buildCalibrationTopology: option profiles must be a function returning the ProfileSet in force');
  }
  const rawTopic = topicOption(options.rawTopic, defaultTopicNames.raw, 'rawTopic');
  const calibratedTopic = topicOption(options.calibratedTopic, defaultTopicNames.calibrated, 'calibratedTopic');
  const profiles = options.profiles;
  const format = options.outputFormat ?? 'kalibra';
  if (!OutputFormats.includes(format)) {
    throw new CalibrationError('OPTION_INVALID', `buildCalibrationTopology: option outputFormat must be one of ${OutputFormats.join(', ')}, got ${String(format)}`);
  }
  const bytes = nullableSerde(bytesSerde());

  const builder = new StreamsBuilder();
  builder
    .stream<Bytes, Bytes>(rawTopic, { keySerde: bytes, valueSerde: bytes, name: 'raw-readings' })
    .process<Bytes, Bytes>(() => new CalibrateProcessor(profiles, format), { name: 'calibrate' })
    .to(calibratedTopic, { keySerde: bytes, valueSerde: bytes, name: 'calibrated-readings' });
  return builder.build();
}

/** Validates and calibrates one raw record; throwing a CalibrationError dead-letters it with that code. */
class CalibrateProcessor implements Processor<Bytes, Bytes, Bytes, Bytes> {
  private context: ProcessorContext<Bytes, Bytes> | undefined;

  private readonly profiles: () => ProfileSet;
  private readonly format: OutputFormat;
  constructor(profiles: () => ProfileSet, format: OutputFormat) {
    this.profiles = profiles;
    this.format = format;
  }

  init(context: ProcessorContext<Bytes, Bytes>): void {
    this.context = context;
  }

  process(record: StreamRecord<Bytes, Bytes>): void {
    const context = this.context!;
    const outcome = calibrateRecord(record, this.profiles(), context.currentWallClockTime());
    switch (outcome.kind) {
      case 'calibrated': {
        if (this.format === 'kalibra') {
          context.forward({ ...record, key: outcome.key, value: outcome.value });
        } else {
          const { key, value } = encodeConnectJson(outcome.message);
          context.forward({ ...record, key, value });
        }
        return;
      }
      case 'tombstone':
        context.forward({ ...record, key: this.format === 'kalibra' ? outcome.key : connectTombstoneKey(outcome.key), value: null });
        return;
      case 'dead-letter':
        throw outcome.error;
    }
  }
}

/** A raw tombstone's key `<sensor>|<ts ms>` as the Connect JSON key that deletes the row. */
function connectTombstoneKey(rawKey: Buffer): Buffer {
  const text = rawKey.toString('utf8');
  const parsed = parseReadingKey(text);
  if (parsed === undefined || !Number.isSafeInteger(parsed.tsMs)) {
    throw new CalibrationError('KEY_MISMATCH', `a tombstone key must be <sensor_id>|<ts epoch ms> to delete a row downstream, got "${text.slice(0, 200)}"`);
  }
  return encodeConnectJsonTombstoneKey(parsed.sensorId, parsed.tsMs);
}

function topicOption(value: unknown, fallback: string, name: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CalibrationError('OPTION_INVALID', `buildCalibrationTopology: option ${name} must be a non-empty topic name`);
  }
  return value;
}
