// bin/calibrator as a process: ops endpoints, hot reload of a profiles directory (valid and
// invalid edits), bad input dead-lettered with its code instead of stopping the process, and
// a clean SIGTERM. Outputs are read with an independent read_committed consumer; expected
// profile identities are computed without the calibration code (test/helpers/pipeline-expected.ts).
import { Producer } from '@platformatic/kafka';
import type { MessageToProduce } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { expectedIdentity, profileYaml, writeAtomically } from '../../helpers/pipeline-expected.ts';
import type { TestProfile } from '../../helpers/pipeline-expected.ts';
import {
  exitWithin, groupMembers, metricValue, opsPort, readCommitted, spawnBin, started, tempDir,
} from '../../helpers/pipeline-processes.ts';
import type { TopicReader } from '../../helpers/pipeline-processes.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../../helpers/stack.ts';

const SENSOR = 'hot-01';
const TS = Date.parse('2026-06-01T00:00:00Z');

function profile(offset: number): TestProfile {
  return {
    sensor: SENSOR, inputUnit: 'celsius', unit: 'celsius',
    versions: [{ validFrom: '2025-01-01T00:00:00.000Z', params: { method: 'linear', gain: 1, offset } }],
  };
}

/** 22 distinct malformed readings, one or more per DLQ code, in the order they are produced. */
function malformed(): { code: string; key: string | null; value: Buffer }[] {
  const json = (fields: Record<string, unknown>): Buffer => Buffer.from(JSON.stringify(fields));
  const ts = TS;
  const ok = { sensor_id: SENSOR, ts, value: 1 };
  const key = `${SENSOR}|${ts}`;
  return [
    { code: 'TOO_LARGE', key, value: json({ ...ok, padding: 'x'.repeat(70 * 1024) }) },
    { code: 'INVALID_ENCODING', key, value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) },
    { code: 'NOT_JSON', key, value: Buffer.from('{"sensor_id":') },
    { code: 'NOT_AN_OBJECT', key, value: Buffer.from('[1,2,3]') },
    { code: 'NOT_AN_OBJECT', key, value: Buffer.from('null') },
    { code: 'MISSING_SENSOR_ID', key, value: json({ ts, value: 1 }) },
    { code: 'INVALID_SENSOR_ID', key, value: json({ ...ok, sensor_id: 'bad id!' }) },
    { code: 'MISSING_TS', key, value: json({ sensor_id: SENSOR, value: 1 }) },
    { code: 'INVALID_TS', key, value: json({ ...ok, ts: 'yesterday' }) },
    { code: 'INVALID_TS', key, value: json({ ...ok, ts: '2026-02-30T00:00:00Z' }) },
    { code: 'TS_TOO_OLD', key, value: json({ ...ok, ts: '1999-12-31T23:59:59Z' }) },
    { code: 'TS_IN_FUTURE', key, value: json({ ...ok, ts: Date.now() + 3 * 86_400_000 }) },
    { code: 'MISSING_VALUE', key, value: json({ sensor_id: SENSOR, ts }) },
    { code: 'VALUE_NOT_NUMBER', key, value: json({ ...ok, value: '21.5' }) },
    { code: 'INVALID_VALUE', key, value: json({ ...ok, value: 'NaN' }) },
    { code: 'INVALID_VALUE', key, value: Buffer.from(`{"sensor_id":"${SENSOR}","ts":${ts},"value":1e400}`) },
    { code: 'INVALID_UNIT', key, value: json({ ...ok, unit: '' }) },
    { code: 'MISSING_KEY', key: null, value: json(ok) },
    { code: 'INVALID_KEY', key: 'no-bar-here', value: json(ok) },
    { code: 'KEY_MISMATCH', key: `other-sensor|${ts}`, value: json(ok) },
    { code: 'KEY_MISMATCH', key: `${SENSOR}|${ts + 1}`, value: json(ok) },
    { code: 'UNIT_MISMATCH', key, value: json({ ...ok, unit: 'ohm' }) },
  ];
}

describe('bin/calibrator as a process', () => {
  it('serves ops endpoints, hot-reloads profiles, rejects an invalid edit, dead-letters bad input with its code, and stops cleanly on SIGTERM', async () => {
    const raw = uniqueName('proc-raw');
    const calibrated = uniqueName('proc-calibrated');
    const dlq = uniqueName('proc-dlq');
    await createTopics([raw, calibrated, dlq]);
    const state = uniqueName('proc-replay-state');
    await createTopics([state], { configs: { 'cleanup.policy': 'compact' } });
    const profiles = tempDir('kalibra-profiles');
    writeAtomically(profiles, `${SENSOR}.yaml`, profileYaml(profile(0.5)));
    const groupId = uniqueName('proc-calibrator');

    const producer = new Producer({ clientId: uniqueName('proc-producer'), bootstrapBrokers: brokers(), idempotent: true });
    onTestFinished(async () => { await producer.close(); });
    const send = async (messages: MessageToProduce[]): Promise<void> => { await producer.send({ messages }); };
    const reading = (i: number): MessageToProduce => ({
      topic: raw, partition: 0, key: Buffer.from(`${SENSOR}|${TS + i}`), value: Buffer.from(JSON.stringify({ sensor_id: SENSOR, ts: TS + i, value: 20 })),
    });
    const bad = malformed();
    // Offsets 0..21 are the bad readings, so the DLQ's kalibra.source.offset says which one each is.
    await send(bad.map((b) => ({ topic: raw, partition: 0, ...(b.key === null ? {} : { key: Buffer.from(b.key) }), value: b.value })));

    const calibrator = spawnBin('calibrator', ['--no-gate'], {
      KALIBRA_TOPIC_RAW: raw, KALIBRA_TOPIC_CALIBRATED: calibrated, KALIBRA_TOPIC_DLQ: dlq, KALIBRA_TOPIC_REPLAY_STATE: state, KALIBRA_GROUP_ID: groupId,
      KALIBRA_INSTANCE_ID: uniqueName('proc'), KALIBRA_PROFILES_DIR: profiles,
    });
    await started(calibrator, 'the calibrator');
    const port = await opsPort(calibrator);
    const output = await readCommitted(calibrated);
    const letters = await readCommitted(dlq);

    // Bad input: every record in the DLQ with its code, the process still running.
    await waitFor(() => letters.records.length >= bad.length, { timeoutMs: 60_000, message: `${bad.length} DLQ records` });
    const codes = letters.records.map((r) => [Number(r.headers['kalibra.source.offset']), r.headers['kalibra.error.code']]);
    expect(codes.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(bad.map((b, offset) => [offset, b.code]));
    expect(letters.records.every((r) => r.headers['kalibra.source.topic'] === raw && r.headers['kalibra.error.message'] !== '')).toBe(true);
    expect(calibrator.child.exitCode).toBeNull();

    // Ops endpoints.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, { message: '/readyz 200' });
    expect(await metricValue(port, 'kalibra_records_in_total', { topic: raw })).toBeGreaterThanOrEqual(bad.length);
    expect(await metricValue(port, 'kalibra_dlq_records_total')).toBe(bad.length);

    const calibratedAs = async (i: number, reader: TopicReader): Promise<{ value: number; profile: string }> => {
      await send([reading(i)]);
      const record = await waitFor(() => reader.records.find((r) => r.key === `${SENSOR}|${TS + i}`), { message: `reading ${i} calibrated` });
      return JSON.parse(record.value!) as { value: number; profile: string };
    };
    const first = await calibratedAs(1, output);
    expect(first).toMatchObject({ value: 20.5, profile: expectedIdentity(profile(0.5), profile(0.5).versions[0]!) });

    // A valid edit is in force within 2 s (the promise of calibration-profiles/README.md).
    writeAtomically(profiles, `${SENSOR}.yaml`, profileYaml(profile(-1)));
    await waitFor(async () => await metricValue(port, 'kalibra_profile_reloads_total', { result: 'applied' }) === 1,
      { timeoutMs: 2_000, intervalMs: 50, message: 'the reload to be applied within 2 s' });
    const second = await calibratedAs(2, output);
    expect(second).toMatchObject({ value: 19, profile: expectedIdentity(profile(-1), profile(-1).versions[0]!) });
    expect(second.profile).not.toBe(first.profile);

    // An invalid edit is rejected, counted, and the previous profile stays in force.
    writeAtomically(profiles, `${SENSOR}.yaml`, profileYaml(profile(-1)).replace('gain: 1', 'gain: one'));
    await waitFor(async () => await metricValue(port, 'kalibra_profile_reloads_total', { result: 'rejected' }) === 1,
      { timeoutMs: 5_000, intervalMs: 50, message: 'the invalid edit to be rejected' });
    expect(calibrator.output()).toMatch(/calibration profiles rejected.*hot-01\.yaml:\d+:\d+/);
    const third = await calibratedAs(3, output);
    expect(third).toEqual(expect.objectContaining({ value: 19, profile: second.profile }));
    expect(calibrator.child.exitCode).toBeNull();
    expect(await metricValue(port, 'kalibra_profile_reloads_total', { result: 'applied' })).toBe(1);

    // SIGTERM: exit 0 within Kubernetes' grace period, and the group is left at once.
    calibrator.child.kill('SIGTERM');
    expect(await exitWithin(calibrator, 10_000), calibrator.output().slice(-2_000)).toBe(0);
    expect(await groupMembers(groupId)).toBe(0);
    expect(output.records).toHaveLength(3);
  });
});
