import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { calibrateRecord } from '../../../calibration/calibrate-record.ts';
import type { ReadingErrorCode } from '../../../calibration/errors.ts';
import { encodeRawReadingEnvelope, rawReadingConnectSchema, rawReadingEnvelope } from '../../../calibration/raw-reading-envelope.ts';
import { parseRawReading } from '../../../calibration/raw-reading.ts';
import { loadProfiles } from '../../../app/profile-files/profile-loader.ts';
import { repoRoot } from '../../helpers/sink-fixtures.ts';

const NOW = Date.parse('2026-11-29T04:38:12.123Z');
const TS = NOW;
const KEY = Buffer.from(`sensor-001|${TS}`);
const plain = { sensor_id: 'sensor-001', ts: '2026-11-29T04:38:12.123Z', value: 21.37, unit: 'celsius' };

function codeOf(envelope: unknown, key: Buffer | null = KEY): ReadingErrorCode | 'ok' {
  const result = parseRawReading(Buffer.from(JSON.stringify(envelope)), { now: NOW, key });
  return result.ok ? 'ok' : result.error.code as ReadingErrorCode;
}

const envelope = (payload: Record<string, unknown>, schema: unknown = rawReadingConnectSchema): unknown => ({ schema, payload });
const payload = { sensor_id: 'sensor-001', ts: TS, value: 21.37, unit: 'celsius', extra: null };

describe('the raw reading as a Connect JSON envelope', () => {
  it('parses to the same reading as the plain JSON, extra fields included', () => {
    for (const reading of [plain, { ...plain, unit: undefined }, { ...plain, battery: 3.1, fw: { v: 2 } }]) {
      const fromPlain = parseRawReading(Buffer.from(JSON.stringify(reading)), { now: NOW, key: KEY });
      const fromEnvelope = parseRawReading(encodeRawReadingEnvelope(reading)!, { now: NOW, key: KEY });
      expect(fromPlain.ok).toBe(true);
      expect(fromEnvelope).toEqual(fromPlain);
    }
  });

  it('is calibrated to the same message as the plain JSON', async () => {
    const { set } = await loadProfiles(join(repoRoot, 'calibration-profiles'));
    const fromPlain = calibrateRecord({ key: KEY, value: Buffer.from(JSON.stringify(plain)) }, set, NOW);
    const fromEnvelope = calibrateRecord({ key: KEY, value: encodeRawReadingEnvelope(plain)! }, set, NOW);
    expect(fromPlain.kind).toBe('calibrated');
    expect(fromEnvelope).toEqual(fromPlain);
  });

  it('writes ts as epoch ms, a missing unit as null and no extra as null', () => {
    expect(rawReadingEnvelope({ sensor_id: 's', ts: '2026-11-29T05:38:12.123+01:00', value: 1 })?.payload)
      .toEqual({ sensor_id: 's', ts: TS, value: 1, unit: null, extra: null });
  });

  it('is not made for a reading the schema cannot express (the plain bytes are sent instead)', () => {
    expect(rawReadingEnvelope({ ts: TS, value: 1 })).toBeUndefined();
    expect(rawReadingEnvelope({ sensor_id: 's', ts: '2026-11-29T04:38:12', value: 1 })).toBeUndefined();
    expect(rawReadingEnvelope({ sensor_id: 's', ts: TS, value: 'warm' })).toBeUndefined();
    expect(rawReadingEnvelope({ sensor_id: 's', ts: TS, value: 1, unit: 7 })).toBeUndefined();
  });

  it('applies the plain reading\'s rules to the payload', () => {
    expect(codeOf(envelope(payload))).toBe('ok');
    expect(codeOf(envelope({ ...payload, ts: TS + 30 * 86_400_000 }), Buffer.from(`sensor-001|${TS + 30 * 86_400_000}`))).toBe('TS_IN_FUTURE');
    expect(codeOf(envelope({ ...payload, ts: 946_684_799_000 }), Buffer.from('sensor-001|946684799000'))).toBe('TS_TOO_OLD');
    expect(codeOf(envelope({ ...payload, value: null }))).toBe('MISSING_VALUE');
    expect(codeOf(envelope({ ...payload, sensor_id: 'sensor 001' }))).toBe('INVALID_SENSOR_ID');
    expect(codeOf(envelope(payload), Buffer.from(`sensor-002|${TS}`))).toBe('KEY_MISMATCH');
    expect(codeOf(envelope(payload), null)).toBe('MISSING_KEY');
  });

  const schemaWith = (change: (fields: Record<string, unknown>[]) => Record<string, unknown>[]): unknown =>
    ({ ...rawReadingConnectSchema, fields: change(rawReadingConnectSchema.fields!.map((field) => ({ ...field }))) });

  it.each([
    ['ts declared as a string', schemaWith((f) => f.map((x) => (x.field === 'ts' ? { field: 'ts', type: 'string' } : x)))],
    ['ts without the Timestamp logical type', schemaWith((f) => f.map((x) => (x.field === 'ts' ? { field: 'ts', type: 'int64' } : x)))],
    ['a field the table has no column for', schemaWith((f) => [...f, { field: 'battery', type: 'double', optional: true }])],
    ['no value field', schemaWith((f) => f.filter((x) => x.field !== 'value'))],
    ['a field named twice', schemaWith((f) => [...f, { field: 'unit', type: 'string', optional: true }])],
    ['a schema that is not a struct', { type: 'string' }],
    ['a schema that is null', null],
  ])('dead-letters an envelope with %s as INVALID_ENVELOPE', (_name, schema) => {
    expect(codeOf(envelope(payload, schema))).toBe('INVALID_ENVELOPE');
  });

  it.each([
    ['ts as an ISO string', { ...payload, ts: plain.ts }],
    ['ts as a fraction', { ...payload, ts: TS + 0.5 }],
    ['value as a string', { ...payload, value: '21.37' }],
    ['a field not in the schema (the connector would drop it)', { ...payload, battery: 3.1 }],
    ['extra that is not a JSON object', { ...payload, extra: '[1,2]' }],
    ['extra that is not JSON', { ...payload, extra: '{battery' }],
    ['extra holding a known field', { ...payload, extra: '{"value":3}' }],
  ])('dead-letters an envelope with %s as INVALID_ENVELOPE', (_name, body) => {
    expect(codeOf(envelope(body))).toBe('INVALID_ENVELOPE');
  });

  it('dead-letters a payload that is not an object as INVALID_ENVELOPE', () => {
    expect(codeOf({ schema: rawReadingConnectSchema, payload: [1] })).toBe('INVALID_ENVELOPE');
  });

  it('takes field order and the schema\'s version as they come', () => {
    expect(codeOf(envelope(payload, { type: 'struct', fields: [...rawReadingConnectSchema.fields!].reverse() }))).toBe('ok');
  });

  it('treats a plain reading that has other fields beside schema and payload as plain', () => {
    expect(codeOf({ ...plain, schema: 1, payload: 2 })).toBe('ok');
  });

  it('matches contract/specs/raw-reading-connect.schema.json', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const valid = ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'contract', 'specs', 'raw-reading-connect.schema.json'), 'utf8')) as object);
    expect(valid(rawReadingEnvelope({ ...plain, battery: 3 })), ajv.errorsText(valid.errors)).toBe(true);
    expect(valid({ schema: rawReadingConnectSchema, payload: { ...payload, ts: plain.ts } })).toBe(false);
  });
});
