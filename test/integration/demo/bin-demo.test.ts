import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Consumer, FetchIsolationLevels } from '@platformatic/kafka';
import type { Message } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { DemoSummary } from '../../../app/demo/run-demo.ts';
import { generate } from '../../../app/simulate/readings.ts';
import type { SimulatedRecord } from '../../../app/simulate/readings.ts';
import { fleet } from '../../../app/simulate/sensor-models.ts';
import { brokers, pgClient, uniqueName, waitFor } from '../../helpers/stack.ts';
import { DEMO_FLEET_DIR } from '../../helpers/demo-fleet.ts';

// `bin/demo` end to end on the real stack, as a user runs it but on names of its own. Headless:
// it must leave calibrated rows that match the simulator's physics, dead-letter exactly the
// malformed messages, store each reading once, and stop every process it started. What was
// sent is recomputed from the seed and the time ranges the demo reports, not read back from
// the demo. With the view: Ctrl-C stops everything and exits 0.

const root = join(import.meta.dirname, '..', '..', '..');
const TOLERANCE = 0.2; // in the sensor's unit: °C, %RH, hPa, ppm (see calibration-profiles/README.md)

/** What the calibrator must call each malformed message (docs/architecture.md#messages, calibration/errors.ts). */
const expectedCode: Record<string, string> = {
  'not-json': 'NOT_JSON', 'value-nan': 'NOT_JSON', 'value-not-number': 'VALUE_NOT_NUMBER', 'missing-ts': 'MISSING_TS',
  'missing-sensor': 'MISSING_SENSOR_ID', 'ts-before-2000': 'TS_TOO_OLD', 'ts-far-future': 'TS_IN_FUTURE', array: 'NOT_AN_OBJECT',
};

function runDemo(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(join(root, 'bin', 'demo'), ['--headless', '--duration', '20s', '--backfill', '1m', '--seed', '7'],
      { env, timeout: 110_000 }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }));
  });
}

/** Pids of processes whose environment mentions `marker` (our children, if any are left). */
function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

async function readAll(topic: string, done: (messages: Message[]) => boolean): Promise<Message[]> {
  const consumer = new Consumer({
    groupId: uniqueName('demo-dlq-reader'), clientId: uniqueName('demo-dlq-reader'), bootstrapBrokers: brokers(),
    isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 200,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  onTestFinished(async () => { await stream.close(); await consumer.close(); });
  const messages: Message[] = [];
  stream.on('data', (message: Message) => { messages.push(message); });
  await waitFor(() => done(messages), { timeoutMs: 30_000, message: `records on ${topic}` });
  return messages;
}

const header = (m: Message, name: string): string | undefined => [...m.headers.entries()].find(([k]) => k.toString() === name)?.[1].toString();

/** Topics, schema and groups of this test's own, dropped when it finishes; the environment that selects them. */
async function isolatedPipeline(): Promise<{ name: string; topics: { raw: string; calibrated: string; dlq: string; replayState: string }; env: NodeJS.ProcessEnv }> {
  const name = uniqueName('demo').replace('-', '_');
  const topics = { raw: `${name}.raw`, calibrated: `${name}.calibrated`, dlq: `${name}.dlq`, replayState: `${name}.replay-state` };
  const db = await pgClient();
  onTestFinished(async () => {
    await db.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    const admin = new Admin({ clientId: uniqueName('demo-cleanup'), bootstrapBrokers: brokers() });
    try {
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      for (const group of [name, `${name}-sink-raw`, `${name}-sink-calibrated`]) {
        await admin.deleteGroups({ groups: [group] }).catch(() => undefined); // one at a time: a missing one must not keep the others
      }
    } finally {
      await admin.close();
    }
  });
  const env = {
    ...process.env,
    KAFKA_BROKERS: brokers().join(','),
    KALIBRA_TOPIC_RAW: topics.raw, KALIBRA_TOPIC_CALIBRATED: topics.calibrated, KALIBRA_TOPIC_DLQ: topics.dlq, KALIBRA_TOPIC_REPLAY_STATE: topics.replayState,
    KALIBRA_SINK_SCHEMA: name, KALIBRA_GATE_SCHEMA: name, KALIBRA_GROUP_ID: name,
    KALIBRA_DEV_DIR: join(tmpdir(), name),
    // The demo fleet as committed, not calibration-profiles/ (the README's tour edits it).
    KALIBRA_PROFILES_DIR: DEMO_FLEET_DIR,
  };
  return { name, topics, env };
}

describe('bin/demo', () => {
  it('--headless calibrates the simulated fleet to within 0.2 of the true values, dead-letters every malformed message with its code, stores each reading once, and stops its children', async () => {
    const { name, topics, env } = await isolatedPipeline();
    const db = await pgClient();
    const result = await runDemo(env);
    expect(result.code, result.stderr).toBe(0);
    expect(processesWith(name)).toEqual([]);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as DemoSummary;
    expect(summary.drained).toBe(true);

    // What was sent, recomputed from the seed and the reported time ranges.
    const sensors = fleet(summary.sensors);
    const options = { fleet: sensors, seed: summary.seed, intervalMs: summary.intervalMs, malformedRate: summary.malformedRate, duplicateRate: summary.duplicateRate };
    const sent: SimulatedRecord[] = summary.ranges.flatMap((r) => [...generate(options, r.fromMs, r.toMs + 1)]);
    const readings = sent.filter((r) => r.kind === 'reading');
    const malformed = sent.filter((r) => r.kind === 'malformed');
    expect(readings.length).toBe(summary.sent.readings);
    expect(sent.filter((r) => r.kind === 'duplicate').length).toBe(summary.sent.duplicates);
    expect(malformed.length).toBe(summary.sent.malformed);
    expect(readings.length).toBeGreaterThan(1_000);
    expect(summary.sent.duplicates).toBeGreaterThan(0);

    // Each reading once in calibrated_readings, nothing else, and within tolerance of the truth.
    const calibrated = (await db.query<{ sensor_id: string; ts_ms: string; value: number | null; status: string }>(
      `SELECT sensor_id, (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, value, status FROM "${name}".calibrated_readings`)).rows;
    const truth = new Map(readings.map((r) => [`${r.sensorId}|${r.tsMs}`, r.trueValue!]));
    expect(calibrated.length).toBe(readings.length);
    expect(new Set(calibrated.map((r) => `${r.sensor_id}|${r.ts_ms}`))).toEqual(new Set(truth.keys()));
    const off = calibrated.filter((r) => r.value !== null && Math.abs(r.value - truth.get(`${r.sensor_id}|${r.ts_ms}`)!) > TOLERANCE);
    expect(off.slice(0, 5)).toEqual([]);
    const ok = calibrated.filter((r) => r.status === 'ok');
    expect(ok.length).toBeGreaterThan(readings.length * 0.8);
    expect(new Set(ok.map((r) => r.sensor_id)).size).toBe(11); // every sensor with a profile (sensor-008 has none)
    expect(new Set(calibrated.filter((r) => r.sensor_id === 'sensor-008').map((r) => r.status))).toEqual(new Set(['uncalibrated']));

    // raw_readings: every reading once, plus the malformed messages that are valid rows to the
    // raw sink (a timestamp the calibrator rejects is still what the producer sent).
    const rawKeys = (await db.query<{ key: string }>(
      `SELECT sensor_id || '|' || (extract(epoch FROM ts) * 1000)::bigint AS key FROM "${name}".raw_readings`)).rows.map((r) => r.key);
    const storedMalformed = malformed
      .filter((m) => ['ts-before-2000', 'ts-far-future'].includes(malformedKind(m)))
      .map((m) => { const v = JSON.parse(m.value) as { sensor_id: string; ts: string }; return `${v.sensor_id}|${Date.parse(v.ts)}`; });
    expect(rawKeys.length).toBe(new Set(rawKeys).size);
    expect(new Set(rawKeys)).toEqual(new Set([...truth.keys(), ...storedMalformed]));

    const orphans = await db.query(`SELECT 1 FROM "${name}".calibrated_readings c
      WHERE NOT EXISTS (SELECT 1 FROM "${name}".raw_readings r WHERE r.sensor_id = c.sensor_id AND r.ts = c.ts)`);
    expect(orphans.rowCount).toBe(0);

    // The DLQ: the calibrator's entries (no sink connector header) are exactly the malformed messages.
    const fromCalibrator = (messages: Message[]): Message[] => messages.filter((m) => header(m, 'kalibra.sink.connector') === undefined);
    const dlq = fromCalibrator(await readAll(topics.dlq, (messages) => fromCalibrator(messages).length >= malformed.length));
    const kindOf = new Map(malformed.map((m) => [m.value, m]));
    expect(dlq.map((m) => m.value.toString()).sort()).toEqual(malformed.map((m) => m.value).sort());
    const codes = (list: string[]): Record<string, number> => list.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});
    const expectedCodes = codes(dlq.map((m) => expectedCode[malformedKind(kindOf.get(m.value.toString())!)]!));
    expect(codes(dlq.map((m) => header(m, 'kalibra.error.code') ?? 'none'))).toEqual(expectedCodes);
    expect(summary.dlqByCode).toEqual(expectedCodes);
  });

  it('on Ctrl-C (SIGINT) stops every child it started, exits 0 and says how to try a recalibration', async () => {
    const { name, env } = await isolatedPipeline();
    const demo = spawn(join(root, 'bin', 'demo'), ['--backfill', 'none'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    demo.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    demo.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    onTestFinished(() => { demo.kill('SIGKILL'); });
    // The view is drawn with live figures: every child is up and readings flow.
    await waitFor(() => /live for .*\n[\s\S]*calibrated rows\/s[\s\S]*calibrator :\d+ ready/.test(stdout) && /calibrated_readings [1-9]/.test(stdout),
      { timeoutMs: 60_000, message: `the live view (stderr: ${stderr.slice(-500)})` });
    expect(processesWith(name).filter((pid) => pid !== demo.pid).length).toBe(3); // the two sinks and the calibrator
    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(processesWith(name)).toEqual([]);
    expect(stdout).toContain('Stopped cleanly. Next, try a recalibration:');
    expect(stdout).toContain('bin/replay --from 10m --sensor sensor-001 --dry-run');
    expect(stdout).toContain('git checkout calibration-profiles/sensor-001.yaml');
    // The view's replay line: none yet in this test's own group, and the --from that covers the run.
    expect(stdout).toMatch(/replay {6}none requested yet; to recalibrate every row of this run: bin\/replay --from \d{4}-/);
  });
});

/** Which kind of malformed message this is, read from the bytes the way a person would. */
function malformedKind(record: SimulatedRecord): string {
  const text = record.value;
  if (text.startsWith('[')) return 'array';
  if (text.includes('NaN')) return 'value-nan';
  if (!text.endsWith('}')) return 'not-json';
  const value = JSON.parse(text) as Record<string, unknown>;
  if (typeof value.value === 'string') return 'value-not-number';
  if (value.ts === undefined) return 'missing-ts';
  if (value.sensor_id === undefined) return 'missing-sensor';
  if (typeof value.ts === 'string' && value.ts.startsWith('1999')) return 'ts-before-2000';
  return 'ts-far-future';
}
