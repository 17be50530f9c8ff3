// The structure of a calibration profile file, as a zod schema. It is the single source
// of the structural rules: the parser validates with it, and the committed JSON Schema
// (calibration-profiles/profile.schema.json, for editors) is generated from it, so the two
// cannot drift. Rules that need more than structure (sorted table points, duplicate
// valid_from, file name = sensor, units per method) live in profile-rules.ts.
import { z } from 'zod';

/**
 * Most items in any list of a profile (table points, versions, coefficients). A calibration
 * certificate has tens of points; the cap keeps one file quick to check and keeps a broken
 * list of a hundred thousand items from overflowing the validator's stack.
 */
export const MAX_ARRAY_ITEMS = 10_000;

const finite = z.number().meta({ description: 'a finite number' });

const bounds = z.strictObject({
  min: finite.optional(),
  max: finite.optional(),
}).meta({ description: 'inclusive bounds; a missing side is unbounded' });

/** ISO-8601 date (midnight UTC) or date-time with Z or an offset. */
export const VALID_FROM_PATTERN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Sensor ids double as file names and as the first part of the Kafka key `<sensor_id>|<ts>`. */
export const SENSOR_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * A unit, of a profile or of a reading: a short printable identifier (celsius, ohm, hpa,
 * percent, ppm, %RH, m/s, µS/cm...). It lands in logs, Postgres and dashboards.
 */
export const UNIT_PATTERN = /^[A-Za-z0-9_%°µ./-]{1,32}$/;
const UNIT_RULE = 'must be 1-32 characters of A-Z a-z 0-9 _ % ° µ . / -';

const common = {
  valid_from: z.string().regex(VALID_FROM_PATTERN, 'must be an ISO-8601 date (2025-06-01) or date-time with a zone (2025-06-01T00:00:00Z)')
    .meta({ description: 'this version applies to readings with ts at or after this instant, until the next version' }),
  input_range: bounds.optional().meta({ description: 'raw values outside this range are out_of_range (overrides the profile-level input_range)' }),
  limits: bounds.optional().meta({ description: 'calibrated values outside these limits are out_of_range (overrides the profile-level limits)' }),
  certificate: z.string().optional().meta({ description: 'the calibration certificate or lab reference' }),
  notes: z.string().optional(),
};

const linear = z.strictObject({
  ...common,
  method: z.literal('linear').meta({ description: 'value = gain * raw + offset' }),
  gain: finite,
  offset: finite,
});

const polynomial = z.strictObject({
  ...common,
  method: z.literal('polynomial').meta({ description: 'value = c0 + c1*raw + c2*raw^2 + ...' }),
  coefficients: z.array(finite).min(1).max(MAX_ARRAY_ITEMS).meta({ description: '[c0, c1, ..., cn]' }),
});

const table = z.strictObject({
  ...common,
  method: z.literal('table').meta({ description: 'piecewise-linear through [raw, true] points, raw strictly increasing' }),
  points: z.array(z.tuple([finite, finite])).min(2).max(MAX_ARRAY_ITEMS),
  extrapolate: z.boolean().optional().meta({ description: 'extend the end segments outside the table (default false: out_of_range)' }),
});

const steinhartHart = z.strictObject({
  ...common,
  method: z.literal('steinhart-hart').meta({ description: 'thermistor, ohm -> kelvin: 1/T = a + b ln R + c (ln R)^3; unit kelvin or celsius' }),
  a: finite,
  b: finite,
  c: finite,
});

const callendarVanDusen = z.strictObject({
  ...common,
  method: z.literal('callendar-van-dusen').meta({ description: 'platinum RTD, ohm -> celsius: R = R0 (1 + A T + B T^2 + C (T - 100) T^3), C below 0 degC only' }),
  R0: finite.meta({ description: 'resistance at 0 degC, ohm (100 for a Pt100)' }),
  A: finite,
  B: finite,
  C: finite,
});

export const versionSchema = z.discriminatedUnion('method', [linear, polynomial, table, steinhartHart, callendarVanDusen]);

export const profileSchema = z.strictObject({
  sensor: z.string().regex(SENSOR_ID_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 . _ - and start with a letter or digit')
    .meta({ description: 'the sensor id; must equal the file name without .yaml' }),
  description: z.string().optional(),
  input_unit: z.string().regex(UNIT_PATTERN, UNIT_RULE).meta({ description: 'unit of the raw value (ohm for steinhart-hart and callendar-van-dusen)' }),
  unit: z.string().regex(UNIT_PATTERN, UNIT_RULE).meta({ description: 'unit of the calibrated value' }),
  input_range: bounds.optional().meta({ description: 'raw values outside this range are out_of_range' }),
  limits: bounds.optional().meta({ description: 'plausibility of the calibrated value; outside is out_of_range' }),
  versions: z.array(versionSchema).min(1).max(MAX_ARRAY_ITEMS).meta({ description: 'each applies from its valid_from until the next one' }),
}).meta({
  title: 'Kalibra calibration profile',
  description: 'One sensor\'s calibration history. See calibration-profiles/README.md.',
});

export type ProfileDocument = z.infer<typeof profileSchema>;
export type VersionDocument = z.infer<typeof versionSchema>;

/** The JSON Schema (draft 2020-12) for editors; committed as calibration-profiles/profile.schema.json. */
export function profileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(profileSchema, { target: 'draft-2020-12', io: 'input' });
}
