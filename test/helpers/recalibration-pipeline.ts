// The whole pipeline for the recalibration tests (issue 6): bin/sink raw + bin/calibrator +
// bin/sink calibrated + bin/replay as processes on topics, schema, groups and a profiles
// directory of their own; readings keyed `<sensor>|<ts>` with record timestamp = ts and Java
// partitioning by sensor; and the verdict computed from plain SQL, an independent
// read_committed reader and the documented formulas (pipeline-expected.ts), never the code under test.
import { Admin, FetchIsolationLevels, Producer, ProduceAcks } from '@platformatic/kafka';
import type pg from 'pg';
import { expect, onTestFinished } from 'vitest';
import { javaPartition } from '../../topology/core/partitioning.ts';
import { expectedIdentity, expectedReading, profileYaml, writeAtomically } from './pipeline-expected.ts';
import type { TestProfile } from './pipeline-expected.ts';
import { readCommitted, spawnBin, started, tempDir } from './pipeline-processes.ts';
import type { CollectedRecord, PipelineProcess, TopicReader } from './pipeline-processes.ts';
import type { FetchIsolationLevelValue } from '@platformatic/kafka';
import { sinkSchema, storedOffsets } from './sink-fixtures.ts';
import { brokers, createTopics, pgClient, uniqueName, waitFor } from './stack.ts';

export const PARTITIONS = 4;
const OLD_VERSION = '2025-01-01T00:00:00.000Z';
const CURRENT_VERSION = '2026-01-01T00:00:00.000Z';

export interface SentReading {
  sensor: string;
  ts: number;
  raw: number;
  kind: 'history' | 'live';
  /** A probe sent before the edit was in force, and calibrated by the old profile. */
  calibratedOld?: boolean;
}

export const keyOf = (sensor: string, ts: number): string => `${sensor}|${ts}`;

/** Sensor s's profile: an old version and the current one, whose offset `edited` changes. */
export function sensorProfile(s: number, edited: boolean): TestProfile {
  return {
    sensor: sensorName(s), inputUnit: 'celsius', unit: 'celsius',
    versions: [
      { validFrom: OLD_VERSION, params: { method: 'linear', gain: 1 + s / 100, offset: s / 10 } },
      { validFrom: CURRENT_VERSION, params: edited ? { method: 'linear', gain: 1.02, offset: -0.3 - s / 10 } : { method: 'linear', gain: 0.98, offset: 0.5 + s / 10 } },
    ],
  };
}

export const sensorName = (s: number): string => `rc-${String(s).padStart(2, '0')}`;
const rawValue = (s: number, i: number): number => 20 + ((i * 7 + s * 13) % 100) / 10;

export interface Pipeline {
  raw: string;
  calibrated: string;
  schema: string;
  calibratorGroup: string;
  profilesDir: string;
  sensors: number;
  sent: Map<string, SentReading>;
  env: Record<string, string>;
  rawSink(): PipelineProcess;
  calibratedSink(): PipelineProcess;
  calibrator(instanceId: string): PipelineProcess;
  replay(args: string[]): PipelineProcess;
  editProfiles(): void;
  profile(sensor: string, edited: boolean): TestProfile;
}

export async function recalibrationPipeline(name: string, sensors: number): Promise<Pipeline> {
  const raw = uniqueName(`${name}-raw`);
  const calibrated = uniqueName(`${name}-calibrated`);
  const dlq = uniqueName(`${name}-dlq`);
  const state = uniqueName(`${name}-replay-state`);
  await createTopics([raw, calibrated], { partitions: PARTITIONS, configs: { 'cleanup.policy': 'compact' } });
  await createTopics([dlq]);
  await createTopics([state], { configs: { 'cleanup.policy': 'compact' } });
  const schema = sinkSchema();
  const profilesDir = tempDir(`kalibra-${name}`);
  for (let s = 0; s < sensors; s++) writeAtomically(profilesDir, `${sensorName(s)}.yaml`, profileYaml(sensorProfile(s, false)));
  const calibratorGroup = uniqueName(`${name}-calibrator`);
  const env = {
    KALIBRA_TOPIC_RAW: raw, KALIBRA_TOPIC_CALIBRATED: calibrated, KALIBRA_TOPIC_DLQ: dlq, KALIBRA_TOPIC_REPLAY_STATE: state,
    KALIBRA_SINK_SCHEMA: schema, KALIBRA_GATE_SCHEMA: schema, KALIBRA_PROFILES_DIR: profilesDir,
  };
  const rawSinkGroup = uniqueName(`${name}-sink-raw`);
  const calibratedSinkGroup = uniqueName(`${name}-sink-calibrated`);
  const rawSinkInstance = uniqueName(`${name}-sink-raw`);
  const calibratedSinkInstance = uniqueName(`${name}-sink-calibrated`);
  const bySensor = new Map(Array.from({ length: sensors }, (_, s) => [sensorName(s), s]));
  return {
    raw, calibrated, schema, calibratorGroup, profilesDir, sensors, env, sent: new Map(),
    rawSink: () => spawnBin('sink', ['--mapping', 'raw'], { ...env, KALIBRA_GROUP_ID: rawSinkGroup, KALIBRA_INSTANCE_ID: rawSinkInstance }),
    calibratedSink: () => spawnBin('sink', ['--mapping', 'calibrated'], { ...env, KALIBRA_GROUP_ID: calibratedSinkGroup, KALIBRA_INSTANCE_ID: calibratedSinkInstance }),
    calibrator: (instanceId) => spawnBin('calibrator', [], { ...env, KALIBRA_GROUP_ID: calibratorGroup, KALIBRA_INSTANCE_ID: instanceId }),
    replay: (args) => spawnBin('replay', [...args, '--group', calibratorGroup], env),
    editProfiles: () => {
      for (let s = 0; s < sensors; s++) writeAtomically(profilesDir, `${sensorName(s)}.yaml`, profileYaml(sensorProfile(s, true)));
    },
    profile: (sensor, edited) => sensorProfile(bySensor.get(sensor)!, edited),
  };
}

/** Starts the raw sink first (the gate reads its table), then the calibrator and the calibrated sink. */
export async function startPipeline(p: Pipeline, calibratorInstance: string): Promise<{ calibrator: PipelineProcess }> {
  const rawSink = p.rawSink();
  await started(rawSink, 'the raw sink');
  const calibrator = p.calibrator(calibratorInstance);
  const calibratedSink = p.calibratedSink();
  await started(calibrator, 'the calibrator');
  await started(calibratedSink, 'the calibrated sink');
  return { calibrator };
}

function message(p: Pipeline, reading: SentReading): { topic: string; partition: number; key: Buffer; value: Buffer; timestamp: bigint } {
  return {
    topic: p.raw, partition: javaPartition(Buffer.from(reading.sensor), PARTITIONS), key: Buffer.from(keyOf(reading.sensor, reading.ts)),
    timestamp: BigInt(reading.ts), value: Buffer.from(JSON.stringify({ sensor_id: reading.sensor, ts: new Date(reading.ts).toISOString(), value: reading.raw })),
  };
}

function producer(): Producer {
  const created = new Producer({ clientId: uniqueName('rc-producer'), bootstrapBrokers: brokers(), acks: ProduceAcks.ALL, idempotent: true });
  onTestFinished(async () => { await created.close().catch(() => undefined); });
  return created;
}

/** `perSensor` readings per sensor one second apart from `base`, in time order; returns the ts of reading i. */
export async function produceHistory(p: Pipeline, base: number, perSensor: number): Promise<void> {
  const out = producer();
  let batch: ReturnType<typeof message>[] = [];
  for (let i = 0; i < perSensor; i++) {
    for (let s = 0; s < p.sensors; s++) {
      const reading: SentReading = { sensor: sensorName(s), ts: base + i * 1000, raw: rawValue(s, i), kind: 'history' };
      p.sent.set(keyOf(reading.sensor, reading.ts), reading);
      batch.push(message(p, reading));
    }
    if (batch.length >= 2_000 || i === perSensor - 1) {
      await out.send({ messages: batch });
      batch = [];
    }
  }
  await out.close();
}

/** One new reading per sensor at (about) now, ts unique per sensor. */
export function liveSender(p: Pipeline): { round: () => Promise<SentReading[]> } {
  const out = producer();
  let last = 0;
  let n = 0;
  return {
    round: async () => {
      const ts = Math.max(Date.now(), last + 1);
      last = ts;
      n++;
      const readings = Array.from({ length: p.sensors }, (_, s): SentReading => ({ sensor: sensorName(s), ts, raw: rawValue(s, n), kind: 'live' }));
      for (const r of readings) p.sent.set(keyOf(r.sensor, r.ts), r);
      await out.send({ messages: readings.map((r) => message(p, r)) });
      return readings;
    },
  };
}

/** Sends a round every `tickMs` until stopped; resolves with the number of rounds. */
export function keepSending(p: Pipeline, tickMs = 100): { stop: () => Promise<number> } {
  const sender = liveSender(p);
  let stopped = false;
  let rounds = 0;
  const loop = (async () => {
    while (!stopped) {
      await sender.round();
      rounds++;
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
  })();
  return { stop: async () => { stopped = true; await loop; return rounds; } };
}

/** Probes with live rounds until every sensor's newest probe is calibrated with its edited identity. */
export async function waitForEditedProfiles(p: Pipeline, calibratedRecords: CollectedRecord[]): Promise<void> {
  const sender = liveSender(p);
  await waitFor(async () => {
    const probes = await sender.round();
    return await waitFor(() => {
      const byKey = new Map(calibratedRecords.map((r) => [r.key, r]));
      const got = probes.map((probe) => byKey.get(keyOf(probe.sensor, probe.ts)));
      if (got.some((r) => r === undefined)) return false;
      const edited = got.map((r, i) => (JSON.parse(r!.value!) as { profile: string }).profile
        === expectedIdentity(p.profile(probes[i]!.sensor, true), p.profile(probes[i]!.sensor, true).versions[1]!));
      probes.forEach((probe, i) => { if (!edited[i]) probe.calibratedOld = true; });
      return edited.every(Boolean) ? true : 'old';
    }, { timeoutMs: 30_000, message: 'the probes to be calibrated' }) === true;
  }, { timeoutMs: 60_000, intervalMs: 200, message: 'a live reading of every sensor with the edited profile' });
}

export interface CalibratedRow {
  value: number | null;
  rawValue: number;
  profile: string | null;
  status: string;
  calibratedAt: string;
}

/** calibrated_readings as `<sensor>|<ts ms>` → row, plain SQL. */
export async function calibratedRows(client: pg.ClientBase, schema: string): Promise<Map<string, CalibratedRow>> {
  const { rows } = await client.query<{ sensor_id: string; ts_ms: string; value: number | null; raw_value: number; profile: string | null; status: string; calibrated_at: string }>(
    `SELECT sensor_id, (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, value, raw_value, profile, status, calibrated_at::text AS calibrated_at
     FROM "${schema}".calibrated_readings`);
  return new Map(rows.map((r) => [keyOf(r.sensor_id, Number(r.ts_ms)), { value: r.value, rawValue: r.raw_value, profile: r.profile, status: r.status, calibratedAt: r.calibrated_at }]));
}

export async function calibratedCount(client: pg.ClientBase, schema: string): Promise<number> {
  const { rows: [row] } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".calibrated_readings`);
  return Number(row!.n);
}

async function endOffsets(topic: string, isolationLevel: FetchIsolationLevelValue): Promise<Map<number, number>> {
  const admin = new Admin({ clientId: uniqueName('rc-admin'), bootstrapBrokers: brokers() });
  try {
    const listed = await admin.listOffsets({
      isolationLevel, topics: [{ name: topic, partitions: Array.from({ length: PARTITIONS }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
    });
    return new Map(listed.flatMap((t) => t.partitions).map((x) => [x.partitionIndex, Number(x.offset)]));
  } finally {
    await admin.close();
  }
}

async function groupOffsets(group: string, topic: string): Promise<Map<number, number>> {
  const admin = new Admin({ clientId: uniqueName('rc-admin'), bootstrapBrokers: brokers() });
  try {
    const groups = await admin.listConsumerGroupOffsets({ groups: [group] });
    return new Map(groups.flatMap((g) => g.topics).filter((t) => t.name === topic).flatMap((t) => t.partitions)
      .map((x) => [x.partitionIndex, Number(x.committedOffset)]));
  } finally {
    await admin.close();
  }
}

/**
 * Waits until nothing is in flight: the calibrator group has committed every raw offset, and
 * the calibrated sink has stored every calibrated offset up to the read_committed end.
 */
export async function settled(p: Pipeline, client: pg.ClientBase, timeoutMs = 90_000): Promise<void> {
  await waitFor(async () => {
    const [rawEnd, committed] = await Promise.all([endOffsets(p.raw, FetchIsolationLevels.READ_UNCOMMITTED), groupOffsets(p.calibratorGroup, p.raw)]);
    return [...rawEnd].every(([partition, end]) => end === 0 || committed.get(partition) === end);
  }, { timeoutMs, intervalMs: 500, message: 'the calibrator to commit every raw offset' });
  await waitFor(async () => {
    const [end, stored] = await Promise.all([endOffsets(p.calibrated, FetchIsolationLevels.READ_COMMITTED), storedOffsets(client, p.schema, 'kalibra-sink-calibrated')]);
    return [...end].every(([partition, offset]) => offset === 0 || stored[partition] === offset);
  }, { timeoutMs, intervalMs: 500, message: 'the calibrated sink to store every calibrated offset' });
}

/** Per raw partition the `to` offset bin/replay printed in its plan. */
export function plannedTo(output: string): Map<number, number> {
  const rows = [...output.matchAll(/^\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+|-)\s+(\d+)$/gm)];
  return new Map(rows.map((m) => [Number(m[1]), Number(m[3])]));
}

export interface Verdict {
  problems: string[];
  counts: { before: number; after: number; live: number };
}

/**
 * The table against the readings sent and the formulas: rows at or after `fromMs` (of the
 * selected sensors) by the edited profile, the others by the old one with calibrated_at as in
 * `snapshot`, one row per reading sent and no other.
 */
export function verdict(p: Pipeline, rows: Map<string, CalibratedRow>, snapshot: Map<string, CalibratedRow>, fromMs: number,
  selected: (sensor: string) => boolean = () => true): Verdict {
  const problems: string[] = [];
  const counts = { before: 0, after: 0, live: 0 };
  for (const [key, reading] of p.sent) {
    const row = rows.get(key);
    if (row === undefined) { problems.push(`${key}: missing`); continue; }
    const replayed = reading.ts >= fromMs && selected(reading.sensor);
    if (reading.kind === 'live') counts.live++;
    else if (reading.ts >= fromMs) counts.after++;
    else counts.before++;
    // Live readings after the edit and every replayed one: the edited profile. The rest: the old.
    const want = expectedReading(p.profile(reading.sensor, replayed || (reading.kind === 'live' && reading.calibratedOld !== true)), reading.ts, reading.raw);
    const valueOk = want.value !== null && row.value !== null && Math.abs(row.value - want.value) <= 1e-9 * Math.max(1, Math.abs(want.value));
    if (!valueOk || row.profile !== want.profile || row.status !== want.status || row.rawValue !== reading.raw) {
      problems.push(`${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(row)}`);
    }
    if (!replayed && reading.kind === 'history' && snapshot.get(key)?.calibratedAt !== row.calibratedAt) {
      problems.push(`${key}: calibrated_at changed from ${snapshot.get(key)?.calibratedAt} to ${row.calibratedAt}`);
    }
    if (replayed && reading.kind === 'history' && snapshot.get(key)?.calibratedAt === row.calibratedAt) {
      problems.push(`${key}: not recalibrated (calibrated_at unchanged)`);
    }
  }
  for (const key of rows.keys()) if (!p.sent.has(key)) problems.push(`${key}: a row for no reading sent`);
  return { problems: problems.slice(0, 20), counts };
}

/**
 * The calibrated topic, read_committed, against the raw positions: a reading outside the replay
 * window is emitted exactly once; history in the window exactly twice (once live, once
 * replayed); a live reading in the window once or twice (it may not have been processed yet
 * when its partition applied the replay).
 */
export function topicProblems(p: Pipeline, calibrated: CollectedRecord[], rawRecords: CollectedRecord[], to: Map<number, number>,
  fromMs: number, selected: (sensor: string) => boolean = () => true): { problems: string[]; liveInWindow: number; liveAfterWindow: number } {
  const emitted = new Map<string, number>();
  for (const r of calibrated) emitted.set(r.key, (emitted.get(r.key) ?? 0) + 1);
  const rawOffset = new Map(rawRecords.map((r) => [r.key, r]));
  const problems: string[] = [];
  let liveInWindow = 0;
  let liveAfterWindow = 0;
  for (const [key, reading] of p.sent) {
    const position = rawOffset.get(key);
    if (position === undefined) { problems.push(`${key}: not on the raw topic`); continue; }
    const inWindow = reading.ts >= fromMs && selected(reading.sensor) && Number(position.offset) < (to.get(position.partition) ?? 0);
    const times = emitted.get(key) ?? 0;
    if (reading.kind === 'live' && inWindow) liveInWindow++;
    else if (reading.kind === 'live') liveAfterWindow++;
    const ok = !inWindow ? times === 1 : reading.kind === 'history' ? times === 2 : times === 1 || times === 2;
    if (!ok) problems.push(`${key} (${reading.kind}, ${inWindow ? 'in' : 'outside'} the window): emitted ${times} times`);
  }
  for (const key of emitted.keys()) if (!p.sent.has(key)) problems.push(`${key}: emitted for no reading sent`);
  return { problems: problems.slice(0, 20), liveInWindow, liveAfterWindow };
}

export interface EditedHistory {
  p: Pipeline;
  client: pg.Client;
  /** Reading time of the first history reading. */
  base: number;
  calibratedReader: TopicReader;
  calibrator: PipelineProcess;
  /** The calibrator's instance id, to restart it as the same instance. */
  calibratorInstance: string;
  /** Calibrated rows after the profile edit, before any replay. */
  snapshot: Map<string, CalibratedRow>;
}

/**
 * The start every recalibration test shares: a pipeline of its own (recalibrationPipeline),
 * history sent and calibrated (3 h ago, 1 s apart), every profile edited and seen in force,
 * everything in flight written, then a snapshot.
 */
export async function calibratedHistoryWithEditedProfiles(name: string, options:
{ sensors: number; perSensor: number; timeoutMs: number }): Promise<EditedHistory> {
  const p = await recalibrationPipeline(name, options.sensors);
  const client = await pgClient();
  const calibratorInstance = uniqueName(name);
  const base = Date.now() - 3 * 3_600_000;
  await produceHistory(p, base, options.perSensor);
  const calibratedReader = await readCommitted(p.calibrated);
  const { calibrator } = await startPipeline(p, calibratorInstance);
  const expected = options.sensors * options.perSensor;
  await waitFor(async () => await calibratedCount(client, p.schema).catch(() => 0) === expected,
    { timeoutMs: options.timeoutMs, intervalMs: 500, message: `${expected} calibrated rows` });
  p.editProfiles();
  await waitForEditedProfiles(p, calibratedReader.records);
  await settled(p, client);
  return { p, client, base, calibratedReader, calibrator, calibratorInstance, snapshot: await calibratedRows(client, p.schema) };
}

export interface ReplayRun {
  /** The --from of the replay, as reading time in ms. */
  fromMs: number;
  /** What bin/replay printed (its plan gives each partition's end of the window). */
  output: string;
  /** The --sensor selection; every sensor when absent. */
  selected?: (sensor: string) => boolean;
}

export interface Recalibrated {
  rows: Map<string, CalibratedRow>;
  counts: Verdict['counts'];
  /** Live readings the replay re-read, and live readings after its window. */
  liveInWindow: number;
  liveAfterWindow: number;
}

/**
 * The end state every recalibration must reach once nothing is in flight: the table holds one
 * row per reading sent and each as `verdict` computes it from the formulas (replayed rows by
 * the edited profile and recalibrated, the others untouched), and the calibrated topic carries
 * each reading as often as `topicProblems` expects (history in the window twice, the rest once).
 * Returns what a test checks beyond that.
 */
export async function expectExactRecalibration(history: EditedHistory, replay: ReplayRun): Promise<Recalibrated> {
  const { p, client } = history;
  await settled(p, client);
  const rawReader = await readCommitted(p.raw);
  await waitFor(() => rawReader.records.length >= p.sent.size, { timeoutMs: 60_000, message: 'the raw topic read back' });
  const rows = await calibratedRows(client, p.schema);
  const table = verdict(p, rows, history.snapshot, replay.fromMs, replay.selected);
  expect(table.problems).toEqual([]);
  expect(rows.size).toBe(p.sent.size);
  // Missing emissions may still be on their way to the reader; extra ones never go away.
  const topicCheck = (): ReturnType<typeof topicProblems> =>
    topicProblems(p, history.calibratedReader.records, rawReader.records, plannedTo(replay.output), replay.fromMs, replay.selected);
  await waitFor(() => topicCheck().problems.length === 0, { timeoutMs: 30_000, message: 'the calibrated topic read back' }).catch(() => undefined);
  const topic = topicCheck();
  expect(topic.problems).toEqual([]);
  return { rows, counts: table.counts, liveInWindow: topic.liveInWindow, liveAfterWindow: topic.liveAfterWindow };
}
