// Issues 14 and 16: bin/calibrator with 10,000 profiles (all five methods) mounted the way the
// kubelet mounts a ConfigMap. /readyz answers 503 naming `profiles-loaded` until the profiles
// are loaded, and is 200 only after; a new ConfigMap generation that changes one profile is
// applied by the running process. What the calibrator outputs is read back with an independent
// read_committed consumer, and the expected values are computed here from gain and offset.
import { Producer } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { metricValue, opsPort, readCommitted, spawnBin, started, tempDir } from '../../helpers/pipeline-processes.ts';
import type { TopicReader } from '../../helpers/pipeline-processes.ts';
import { ConfigMapMount, fleetFiles, fleetSensor, linearProfileYaml } from '../../helpers/profile-fleet.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../../helpers/stack.ts';

const FLEET = 10_000;
const SENSOR = fleetSensor(0); // linear: gain 1, offset -0.5 in the generated fleet
const TS = Date.parse('2026-06-01T00:00:00Z');
const RAW = 21.5;

interface Readyz {
  status: number;
  body: { ready: boolean; failing: string[]; reasons: Record<string, string> };
  /** Whether the calibrator had logged "calibration profiles loaded" when the answer was read. */
  loadedLogged: boolean;
}

describe('bin/calibrator with 10,000 profiles', () => {
  it('is not ready (503, profiles-loaded with its reason) until the profiles are loaded, then applies a ConfigMap update of one profile', { timeout: 300_000 }, async () => {
    const [raw, calibrated, dlq] = [uniqueName('scale-raw'), uniqueName('scale-calibrated'), uniqueName('scale-dlq')];
    await createTopics([raw, calibrated, dlq]);
    const state = uniqueName('scale-replay-state');
    await createTopics([state], { configs: { 'cleanup.policy': 'compact' } });
    const mount = new ConfigMapMount(tempDir('kalibra-scale-profiles'));
    const files = fleetFiles(FLEET);
    mount.publish(files);

    const calibrator = spawnBin('calibrator', ['--no-gate'], {
      KALIBRA_TOPIC_RAW: raw, KALIBRA_TOPIC_CALIBRATED: calibrated, KALIBRA_TOPIC_DLQ: dlq, KALIBRA_TOPIC_REPLAY_STATE: state,
      KALIBRA_GROUP_ID: uniqueName('scale-calibrator'), KALIBRA_INSTANCE_ID: uniqueName('scale'), KALIBRA_PROFILES_DIR: mount.dir,
    });
    const port = await opsPort(calibrator);

    // Every answer from the moment the ops server listens until the first 200.
    const answers: Readyz[] = [];
    await waitFor(async () => {
      if (calibrator.child.exitCode !== null) throw new Error(`the calibrator exited ${calibrator.child.exitCode}:\n${calibrator.output().slice(-2_000)}`);
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      const answer: Readyz = { status: response.status, body: await response.json() as Readyz['body'], loadedLogged: calibrator.output().includes('"msg":"calibration profiles loaded"') };
      answers.push(answer);
      return answer.status === 200;
    }, { timeoutMs: 180_000, intervalMs: 20, message: `/readyz 200; last answers ${JSON.stringify(answers.slice(-2))}` });

    const whileLoading = answers.filter((a) => !a.loadedLogged);
    expect(whileLoading.length, 'answers seen while the 10,000 profiles were loading').toBeGreaterThan(0);
    for (const answer of whileLoading) {
      expect(answer.status).toBe(503);
      expect(answer.body.failing).toContain('profiles-loaded');
      expect(answer.body.reasons['profiles-loaded']).toBe(`loading calibration profiles from ${mount.dir}`);
    }
    expect(answers.at(-1)!.loadedLogged).toBe(true);
    expect(calibrator.output()).toMatch(new RegExp(`"msg":"calibration profiles loaded".*"sensors":${FLEET}`));
    await started(calibrator, 'the calibrator');

    const producer = new Producer({ clientId: uniqueName('scale-producer'), bootstrapBrokers: brokers(), idempotent: true });
    onTestFinished(async () => { await producer.close(); });
    const output: TopicReader = await readCommitted(calibrated);
    const calibratedAs = async (i: number): Promise<{ value: number; profile: string }> => {
      await producer.send({ messages: [{ topic: raw, key: Buffer.from(`${SENSOR}|${TS + i}`), value: Buffer.from(JSON.stringify({ sensor_id: SENSOR, ts: TS + i, value: RAW })) }] });
      const record = await waitFor(() => output.records.find((r) => r.key === `${SENSOR}|${TS + i}`), { timeoutMs: 60_000, message: `reading ${i} calibrated` });
      return JSON.parse(record.value!) as { value: number; profile: string };
    };
    const first = await calibratedAs(1);
    expect(first.value).toBeCloseTo(RAW - 0.5, 9);

    // A new ConfigMap generation: every file new, one changed.
    files.set(`${SENSOR}.yaml`, linearProfileYaml(SENSOR, 2, 5));
    mount.publish(files);
    await waitFor(async () => await metricValue(port, 'kalibra_profile_reloads_total', { result: 'applied' }) === 1,
      { timeoutMs: 60_000, message: 'the ConfigMap update applied' });
    expect(calibrator.output()).toMatch(/"msg":"calibration profiles reloaded".*"sensors":10000.*"filesParsed":1\b/);
    const second = await calibratedAs(2);
    expect(second.value).toBe(2 * RAW + 5);
    expect(second.profile).not.toBe(first.profile);
    expect(await metricValue(port, 'kalibra_profile_reloads_total', { result: 'rejected' })).toBe(0);
    expect(calibrator.child.exitCode).toBeNull();
  });
});
