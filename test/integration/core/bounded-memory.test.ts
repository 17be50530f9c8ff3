// Back-pressure: a runtime given a backlog of 1,000,000 records keeps its memory bounded. The
// runtime runs in a child process (fixtures/map-values-app.ts, defaults); its resident set is
// sampled from /proc while it works through the backlog; "done" is read through Kafka's admin
// API (the group's committed offsets), not through the runtime.
import { readFileSync } from 'node:fs';
import { Producer } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { brokers, createTopics, uniqueName, waitFor } from '../../helpers/stack.ts';
import { inputRecord, spawnApp, uncommitted } from './fixtures/harness.ts';

const RECORDS = 1_000_000;
const PARTITIONS = 4;
/**
 * The stated bound, with Node's default heap settings. Fetching pauses at 2 × commitMaxRecords
 * (4,000) buffered records and one fetch brings at most fetchMaxBytes (1 MiB), so what is live
 * stays a few tens of MB whatever the backlog (a heap snapshot mid-run: ~57 MB); the rest is
 * V8's young generation and heap headroom, which varies from run to run (peaks measured 390–464
 * MiB; --max-semi-space-size=4 brings it to ~265 MiB). Without the bound (the client's default,
 * 50 MB per partition and fetch) the same backlog took 650–924 MiB, and more the bigger the
 * backlog. The bound sits between the two with room for V8's variation on either side (450 MiB
 * was too close: one CI run peaked at 464).
 */
const RSS_BOUND_MIB = 560;

function rssMiB(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line === undefined ? undefined : Number(line.split(/\s+/)[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** 1,000,000 records of ~200 bytes, 2,000 per request, a few requests in flight. */
async function fill(topic: string): Promise<void> {
  const producer = new Producer({ clientId: uniqueName('backlog'), bootstrapBrokers: brokers() });
  try {
    const sends: Promise<unknown>[] = [];
    for (let start = 0; start < RECORDS; start += 2_000) {
      const messages = [];
      for (let id = start; id < start + 2_000; id++) messages.push({ topic, ...inputRecord(id) });
      sends.push(producer.send({ messages }));
      if (sends.length >= 4) await sends.shift();
    }
    await Promise.all(sends);
  } finally {
    await producer.close();
  }
}

describe('StreamsRuntime memory under a backlog', () => {
  it(`processes a backlog of 1,000,000 records with its resident set under ${RSS_BOUND_MIB} MiB`, async () => {
    const input = uniqueName('backlog-in');
    const output = uniqueName('backlog-out');
    const applicationId = uniqueName('backlog-app');
    await createTopics([input, output], { partitions: PARTITIONS });
    await fill(input);
    expect(await uncommitted(applicationId, input, PARTITIONS)).toBe(BigInt(RECORDS));

    const app = spawnApp({ input, output, applicationId, instanceId: 'backlog' });
    const pid = app.child.pid!;
    let peak = 0;
    let samples = 0;
    const sampler = setInterval(() => {
      const rss = rssMiB(pid);
      if (rss === undefined) return;
      peak = Math.max(peak, rss);
      samples++;
    }, 50);
    try {
      await waitFor(async () => {
        if (app.child.exitCode !== null) throw new Error(`the runtime exited ${app.child.exitCode}: ${app.stderr().slice(-2_000)}`);
        return (await uncommitted(applicationId, input, PARTITIONS)) === 0n;
      }, { timeoutMs: 300_000, intervalMs: 500, message: `the runtime to commit all ${RECORDS} records (peak RSS so far ${Math.round(peak)} MiB)` });
    } finally {
      clearInterval(sampler);
    }
    expect(samples).toBeGreaterThan(20);
    expect(peak, `peak RSS ${Math.round(peak)} MiB over ${samples} samples`).toBeLessThan(RSS_BOUND_MIB);
  }, 420_000);
});
