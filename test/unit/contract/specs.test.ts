// contract/specs/ is generated from the code (dev/contract-specs.ts): this fails when a file
// is stale, and checks the specs against what the code really sends and rejects: the
// simulator's records, the calibrator's output, every dead-letter code's example and the
// replay-state records.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { calibrateRecord } from '../../../calibration/calibrate-record.ts';
import { parseRawReading } from '../../../calibration/raw-reading.ts';
import type { ReadingErrorCode } from '../../../calibration/errors.ts';
import { ReadingErrorCodes } from '../../../calibration/errors.ts';
import { loadProfiles } from '../../../app/profile-files/profile-loader.ts';
import { generate } from '../../../app/simulate/readings.ts';
import { fleet } from '../../../app/simulate/sensor-models.ts';
import { defaultTopicNames } from '../../../contract/topics.ts';
import { replaySelector } from '../../../contract/replay-selector.ts';
import { deadLetterExamples, EXAMPLE_NOW } from '../../../dev/contract/dead-letter-examples.ts';
import { contractSpecFiles, replayAppliedSchema, replayRequestSchema } from '../../../dev/contract/specs.ts';
import { encodeState } from '../../../topology/core/replay/state.ts';
import { repoRoot } from '../../helpers/sink-fixtures.ts';

const SPECS = join(repoRoot, 'contract', 'specs');
const committed = (name: string): string => readFileSync(join(SPECS, name), 'utf8');
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validRaw = ajv.compile(JSON.parse(committed('raw-reading.schema.json')) as object);
const validCalibrated = ajv.compile(JSON.parse(committed('calibrated-reading.schema.json')) as object);
interface AsyncApi {
  asyncapi: string;
  channels: Record<string, { address: string }>;
  components: { messages: { deadLetter: { examples: { name: string }[] }; rawReading: { bindings: { kafka: { key: { pattern: string } } } } } };
}
const asyncApi = parse(committed('asyncapi.yaml')) as AsyncApi;

/** The codes whose rule a JSON Schema can state; the others are the bytes, the clock, the key or the profile, named in the schema's description. */
const SCHEMA_STATES: readonly ReadingErrorCode[] = [
  'NOT_AN_OBJECT', 'INVALID_ENVELOPE', 'MISSING_SENSOR_ID', 'INVALID_SENSOR_ID', 'MISSING_TS', 'INVALID_TS', 'MISSING_VALUE', 'VALUE_NOT_NUMBER', 'INVALID_VALUE', 'INVALID_UNIT',
];

describe('contract/specs/', () => {
  it('is what dev/contract-specs.ts generates (run it with --write after changing a reading, topic or header)', () => {
    for (const [name, content] of Object.entries(contractSpecFiles())) expect(committed(name), name).toBe(content);
  });

  it('accepts every reading the simulator sends and the calibrator\'s output for it, and the calibrator dead-letters exactly what the schema rejects', async () => {
    const { set } = await loadProfiles(join(repoRoot, 'calibration-profiles'));
    const now = Date.parse('2026-11-29T12:00:00Z');
    const options = { fleet: fleet(14), seed: 7, intervalMs: 60_000, malformedRate: 0.2, duplicateRate: 0.05 };
    const kinds = new Map<string, number>();
    for (const record of generate(options, now - 2 * 3_600_000, now)) {
      kinds.set(record.kind, (kinds.get(record.kind) ?? 0) + 1);
      const value = Buffer.from(record.value);
      const outcome = calibrateRecord({ key: Buffer.from(record.key), value }, set, now);
      let json: unknown;
      try { json = JSON.parse(record.value); } catch { json = undefined; }
      if (record.kind !== 'malformed') {
        expect(validRaw(json), `${record.value}: ${ajv.errorsText(validRaw.errors)}`).toBe(true);
        expect(outcome.kind).toBe('calibrated');
        if (outcome.kind === 'calibrated') {
          expect(validCalibrated(JSON.parse(outcome.value.toString())), ajv.errorsText(validCalibrated.errors)).toBe(true);
          expect(Object.keys(outcome.message)).toEqual(Object.keys((JSON.parse(committed('calibrated-reading.schema.json')) as { properties: object }).properties));
        }
      } else {
        expect(outcome.kind).toBe('dead-letter');
        const code = outcome.kind === 'dead-letter' ? outcome.error.code as ReadingErrorCode : undefined;
        if (json !== undefined) expect(validRaw(json), `${record.value} (${code})`).toBe(!SCHEMA_STATES.includes(code!));
      }
    }
    expect(kinds.get('reading')).toBeGreaterThan(1_500);
    expect(kinds.get('malformed')).toBeGreaterThan(30);
  });

  it('has an example for every dead-letter code, rejected by the calibrator with that code, and by the schema exactly when it can say so', async () => {
    const { set } = await loadProfiles(join(repoRoot, 'calibration-profiles'));
    expect(deadLetterExamples.map((e) => e.code)).toEqual([...ReadingErrorCodes]);
    for (const example of deadLetterExamples) {
      const outcome = calibrateRecord({ key: example.key === null ? null : Buffer.from(example.key), value: example.value }, set, EXAMPLE_NOW);
      expect(outcome.kind === 'dead-letter' && outcome.error.code, example.summary).toBe(example.code);
      let json: unknown;
      try { json = JSON.parse(example.value.toString('utf8')); } catch { continue; }
      if (example.code === 'TOO_LARGE' || example.code === 'INVALID_ENCODING') continue;
      expect(validRaw(json), `${example.code}: ${example.summary}`).toBe(!SCHEMA_STATES.includes(example.code));
    }
    const documented = asyncApi.components.messages.deadLetter.examples.map((e) => e.name);
    expect(documented).toEqual([...ReadingErrorCodes]);
  });

  it('parseRawReading agrees with the schema on a valid reading with every optional form', () => {
    for (const value of [
      { sensor_id: 's1', ts: 1_795_927_092_123, value: -3 },
      { sensor_id: 's1', ts: '2026-11-29T05:38:12.123+01:00', value: 1, unit: null, battery: 3.1 },
    ]) {
      expect(validRaw(value)).toBe(true);
      expect(parseRawReading(Buffer.from(JSON.stringify(value)), { now: EXAMPLE_NOW }).ok).toBe(true);
    }
  });

  it('describes the replay-state records encodeState writes', () => {
    const request = encodeState({
      kind: 'request', epoch: 3, group: 'kalibra-calibrator', topic: 'readings.raw', createdAt: new Date(EXAMPLE_NOW).toISOString(),
      fromMs: EXAMPLE_NOW - 86_400_000, toMs: null, selector: replaySelector(['sensor-002', 'sensor-001'], EXAMPLE_NOW - 86_400_000, null),
      partitions: [{ partition: 0, fromOffset: 10n, toOffset: 99n, endOffset: 99n }],
    });
    const applied = encodeState({ kind: 'applied', epoch: 3, group: 'kalibra-calibrator', topic: 'readings.raw', partition: 0, fromOffset: 10n, resumeAt: 80n, toOffset: 99n });
    expect(replayRequestSchema.safeParse(JSON.parse(request.toString())).error).toBeUndefined();
    expect(replayAppliedSchema.safeParse(JSON.parse(applied.toString())).error).toBeUndefined();
  });

  it('is an AsyncAPI 3.0 document of the four topics whose every local $ref resolves', () => {
    expect(asyncApi.asyncapi).toBe('3.0.0');
    expect(Object.fromEntries(Object.entries(asyncApi.channels).map(([role, c]) => [role, c.address]))).toEqual(defaultTopicNames);
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) { if (k === '$ref' && typeof v === 'string') refs.push(v); else walk(v); }
      }
    };
    walk(asyncApi);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const target = ref.slice(2).split('/').reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], asyncApi);
      expect(target, ref).toBeDefined();
    }
    const key = new RegExp(asyncApi.components.messages.rawReading.bindings.kafka.key.pattern);
    expect(key.test('sensor-001|1795927092123')).toBe(true);
    expect(key.test('sensor-001')).toBe(false);
  });
});
