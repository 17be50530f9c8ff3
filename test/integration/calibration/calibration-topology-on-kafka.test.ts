import { Consumer, FetchIsolationLevels, Producer } from '@platformatic/kafka';
import type { Message } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { StreamsRuntime } from '../../../topology/core/runtime/streams-runtime.ts';
import type { CalibratedMessage } from '../../../calibration/calibrated-message.ts';
import { buildCalibrationTopology } from '../../../calibration/calibration-topology.ts';
import { loadProfiles } from '../../../app/profile-files/profile-loader.ts';
import { DEMO_FLEET_DIR } from '../../helpers/demo-fleet.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../../helpers/stack.ts';

// The calibration topology on a real broker under the exactly-once runtime: what the
// TopologyTestDriver tests show, checked once end to end with the demo fleet's profiles,
// compacted topics as in production, and a read_committed reader independent of the runtime.

async function readAll(topic: string, done: (messages: Message[]) => boolean): Promise<Message[]> {
  const consumer = new Consumer({
    groupId: uniqueName('calibration-reader'), clientId: uniqueName('calibration-reader'), bootstrapBrokers: brokers(),
    isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 200,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  onTestFinished(async () => { await stream.close(); await consumer.close(); });
  const messages: Message[] = [];
  stream.on('data', (message: Message) => { messages.push(message); });
  await waitFor(() => done(messages), { timeoutMs: 60_000, message: `records on ${topic}` });
  return messages;
}

describe('the calibration topology on Kafka', () => {
  it('calibrates readings.raw into readings.calibrated under the exactly-once runtime, dead-letters bad input with its code, and passes tombstones', async () => {
    const raw = uniqueName('readings.raw');
    const calibrated = uniqueName('readings.calibrated');
    const dlq = uniqueName('readings.dlq');
    await createTopics([raw, calibrated], { partitions: 2, configs: { 'cleanup.policy': 'compact' } });
    await createTopics([dlq]);
    const { set } = await loadProfiles(DEMO_FLEET_DIR);

    const ts = Date.now() - 60_000;
    const key = (sensor: string, at = ts): string => `${sensor}|${at}`;
    const producer = new Producer({ clientId: uniqueName('raw-producer'), bootstrapBrokers: brokers() });
    onTestFinished(async () => { await producer.close(); });
    await producer.send({
      messages: [
        { topic: raw, key: Buffer.from(key('sensor-001')), value: Buffer.from(JSON.stringify({ sensor_id: 'sensor-001', ts, value: 21.5, unit: 'celsius' })) },
        { topic: raw, key: Buffer.from(key('sensor-007')), value: Buffer.from(JSON.stringify({ sensor_id: 'sensor-007', ts, value: 138.5055 })) },
        { topic: raw, key: Buffer.from(key('sensor-008')), value: Buffer.from(JSON.stringify({ sensor_id: 'sensor-008', ts, value: 22.2 })) },
        { topic: raw, key: Buffer.from(key('sensor-002')), value: Buffer.from('{"sensor_id":"sensor-002","ts":') },
        { topic: raw, key: Buffer.from(key('sensor-002', ts + 1)), value: Buffer.from(JSON.stringify({ sensor_id: 'sensor-002', ts: ts + 1, value: 'NaN' })) },
        { topic: raw, key: Buffer.from(key('sensor-009', ts + 2)), value: null as unknown as Buffer },
      ],
    });

    const runtime = new StreamsRuntime({
      brokers: brokers(),
      applicationId: uniqueName('calibrator'),
      instanceId: 'test-0',
      taskFactory: buildCalibrationTopology({ profiles: () => set, rawTopic: raw, calibratedTopic: calibrated }),
      dlqTopic: dlq,
      commitIntervalMs: 100,
    });
    onTestFinished(async () => { await runtime.stop(); });
    await runtime.start();

    const out = await readAll(calibrated, (messages) => messages.length >= 4);
    const byKey = new Map(out.map((m) => [m.key.toString(), m.value == null || m.value.length === 0 ? null : JSON.parse(m.value.toString()) as CalibratedMessage]));
    expect(byKey.get(key('sensor-001'))).toMatchObject({ status: 'ok', value: 21, raw_value: 21.5, profile: expect.stringMatching(/^sensor-001@2025-01-01#[0-9a-f]{12}$/) as unknown });
    expect(byKey.get(key('sensor-007'))!.value).toBeCloseTo(100, 3);
    expect(byKey.get(key('sensor-008'))).toMatchObject({ status: 'uncalibrated', value: 22.2, profile: null });
    expect(byKey.has(key('sensor-009', ts + 2))).toBe(true);
    expect(byKey.get(key('sensor-009', ts + 2))).toBeNull();

    const letters = await readAll(dlq, (messages) => messages.length >= 2);
    const header = (m: Message, name: string): string | undefined => [...m.headers.entries()].find(([k]) => k.toString() === name)?.[1].toString();
    const codes = new Map(letters.map((m) => [m.key.toString(), header(m, 'kalibra.error.code')]));
    expect(codes.get(key('sensor-002'))).toBe('NOT_JSON');
    expect(codes.get(key('sensor-002', ts + 1))).toBe('INVALID_VALUE');
    expect(letters.map((m) => header(m, 'kalibra.source.topic'))).toEqual([raw, raw]);
    expect(out).toHaveLength(4);
  });
});
