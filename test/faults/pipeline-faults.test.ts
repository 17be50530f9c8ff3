// The fault suite of issue 16: the whole pipeline as processes (bin/sink --mapping raw,
// bin/calibrator with the gate, bin/sink --mapping calibrated) on a private broker and a private
// Postgres, fed by a seeded bin/simulate with malformed readings among the valid ones, through
// ≥ 50 SIGKILLs spread over the three processes, a broker SIGKILL and restart, and Postgres
// stopped for 60 s. Then Kafka's own console consumer (read_committed) and plain SQL, neither
// sharing code with the pipeline, check every valid reading exactly once in both tables and in
// readings.calibrated and every malformed one exactly once in the DLQ; no process may have
// exited unless the suite killed it. Not part of `npm test`: `npm run test:faults` (CI runs it
// as its own step). The summary goes to stdout and to .dev/faults/summary.md.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrate } from '../../connectors/postgres/migrate.ts';
import { readCommittedDetailsWithJava } from '../../dev/verify/console-consumer.ts';
import { DEMO_FLEET_DIR } from '../helpers/demo-fleet.ts';
import { repoRoot } from '../helpers/pipeline-processes.ts';
import { kafkaLibs, waitFor } from '../helpers/stack.ts';
import { FaultDriver, Stages, unplanned } from './faults.ts';
import type { Stage } from './faults.ts';
import { privateStack } from './private-stack.ts';
import { CALIBRATED_SINK, Probes, RAW_SINK, reached, total } from './progress.ts';
import { renderSummary, totals } from './summary.ts';
import { Supervised } from './supervisor.ts';
import { calibratedWritesByKey, installWriteAudit, rawWritesBySource, tableKeys, unpublishedDeadLetters } from './write-audit.ts';
import { classify, passed, verdict } from './verdict.ts';

const run = promisify(execFile);
const SEED = 16;
const KILLS_PER_STAGE = 17; // 51 SIGKILLs
const POSTGRES_DOWN_MS = 60_000;
const MIN_VALID = 100_000;
/** Raw records to wait for before the simulator stops: ≥ MIN_VALID valid ones at ~2 % malformed. */
const MIN_RAW = 104_000;
const TOPICS = { raw: 'readings.raw', calibrated: 'readings.calibrated', dlq: 'readings.dlq' };
const outDir = join(repoRoot, '.dev', 'faults');
const summaryFile = join(repoRoot, '.dev/faults/summary.md');

describe('the pipeline under faults', () => {
  it('keeps every valid reading exactly once and dead-letters every malformed one exactly once, through SIGKILLs, a broker kill and a Postgres stop, with no manual restart', async () => {
    const startedAt = Date.now();
    rmSync(outDir, { recursive: true, force: true });
    const logDir = join(outDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    const libs = kafkaLibs(); // fetched before the clock matters

    const { broker, postgres } = await privateStack();
    const address = broker.address;
    await run(join(repoRoot, 'bin', 'topics'), ['apply'], { env: { ...process.env, KAFKA_BROKERS: address }, timeout: 120_000 });
    const setup = new pg.Client({ connectionString: postgres.url });
    await setup.connect();
    await migrate(setup, 'public');
    await installWriteAudit(setup);
    await setup.end();

    const env = {
      KAFKA_BROKERS: address, DATABASE_URL: postgres.url, KALIBRA_PROFILES_DIR: DEMO_FLEET_DIR, KALIBRA_LOG_LEVEL: 'info',
      KALIBRA_SINK_SESSION_TIMEOUT: '10s',
    };
    const stages: Record<Stage, Supervised> = {
      'raw sink': new Supervised('raw sink', 'sink', ['--mapping', 'raw'], { ...env, KALIBRA_INSTANCE_ID: 'faults-raw-sink' }, logDir),
      calibrator: new Supervised('calibrator', 'calibrator', [], { ...env, KALIBRA_INSTANCE_ID: 'faults-calibrator' }, logDir),
      'calibrated sink': new Supervised('calibrated sink', 'sink', ['--mapping', 'calibrated'], { ...env, KALIBRA_INSTANCE_ID: 'faults-calibrated-sink' }, logDir),
    };
    // The sensors: a minute of history at once, then live. Restarted (live only, so nothing is
    // sent twice) if the broker kill ends it; it is the source, not part of the pipeline.
    const simulator = new Supervised('simulator', 'simulate', (life) => [
      '--sensors', '40', '--rate', '250', '--seed', String(SEED), '--malformed-percent', '2', '--duplicate-percent', '0',
      ...(life === 1 ? ['--start', '60s'] : []),
    ], env, logDir, { restartOnItsOwnExit: false });
    const probes = new Probes([address], postgres.url, TOPICS);
    onTestFinished(async () => {
      for (const proc of [simulator, ...Object.values(stages)]) await proc.abandon();
      await probes.close();
    });

    for (const stage of Stages) stages[stage].start();
    await waitFor(async () => (await Promise.all(Stages.map((s) => stages[s].ready()))).every(Boolean),
      { timeoutMs: 180_000, message: `the three processes to be ready${unplanned(Object.values(stages))}` });
    simulator.start();
    const driver = new FaultDriver(stages, probes);
    await waitFor(async () => (await driver.progress('calibrated sink')).done > 0, { timeoutMs: 120_000, message: 'the first calibrated rows' });

    // The faults, one at a time: the kills round-robin over the three processes, Postgres
    // stopped after the first third of them, the broker killed after the second third.
    for (let i = 0; i < KILLS_PER_STAGE * Stages.length; i++) {
      if (i === KILLS_PER_STAGE) await driver.stopPostgres(postgres, POSTGRES_DOWN_MS);
      if (i === 2 * KILLS_PER_STAGE) {
        await driver.killBroker(broker, () => { if (!simulator.running) simulator.start(); });
      }
      await driver.kill(Stages[i % Stages.length]!);
    }

    // Enough readings, then the sensors stop and the pipeline drains.
    await waitFor(async () => {
      if (!simulator.running) simulator.start(); // it may have given up on the broker after its restart
      return total(await probes.rawEnd()) >= MIN_RAW;
    }, { timeoutMs: 600_000, intervalMs: 1_000, message: `${MIN_RAW} raw records` });
    await simulator.stop(30_000);
    const rawEnd = await probes.rawEnd();
    await waitFor(async () => {
      const [rawStored, calibrated, calibratedStored, dlq, unpublished] = [await probes.sink(RAW_SINK), await probes.settledEnds('calibrated'),
        await probes.sink(CALIBRATED_SINK), await probes.settledEnds('dlq'), await probes.query(unpublishedDeadLetters)];
      return reached(rawStored, rawEnd) && reached(await probes.calibratorCommitted(), rawEnd)
        && reached(calibrated.committed, calibrated.high) && reached(calibratedStored, calibrated.committed)
        && reached(dlq.committed, dlq.high) && unpublished === 0;
    }, { timeoutMs: 300_000, intervalMs: 500, message: 'the pipeline to drain' });
    const cleanStops: Record<string, number | null | 'late'> = {};
    for (const stage of Stages) cleanStops[stage] = await stages[stage].stop(30_000);

    // The verdict, from outside: Kafka's console consumer and SQL.
    const read = (topic: string): ReturnType<typeof readCommittedDetailsWithJava> =>
      readCommittedDetailsWithJava({ brokers: address, topic, libsDir: libs, idleTimeoutMs: 15_000 });
    const [rawRecords, calibrated, dlq] = await Promise.all([read(TOPICS.raw), read(TOPICS.calibrated), read(TOPICS.dlq)]);
    expect(rawRecords.length, 'the console consumer read every raw record').toBe(total(rawEnd));
    const raw = classify(rawRecords, Date.now());
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    onTestFinished(async () => { await client.end(); });
    const checks = verdict({
      raw, calibrated, dlq, rawConnector: RAW_SINK,
      rawWrites: await rawWritesBySource(client), calibratedWrites: await calibratedWritesByKey(client),
      rawRows: await tableKeys(client, 'raw_readings'), calibratedRows: await tableKeys(client, 'calibrated_readings'),
    });
    const unplannedExits = Stages.flatMap((s) => stages[s].unplannedExits);
    const summary = renderSummary({
      startedAt: new Date(startedAt).toISOString(), durationMs: Date.now() - startedAt, load: loadavg().map((l) => l.toFixed(2)).join(' '),
      seed: SEED, rawRecords: rawRecords.length, valid: raw.valid.length, malformed: raw.malformed.length,
      simulatorRuns: simulator.life, recoveries: driver.recoveries, checks, cleanStops,
      unplannedExits: unplannedExits.map((e) => ({ process: e.process, life: e.life, code: e.code, signal: e.signal })),
    });
    writeFileSync(summaryFile, summary);
    process.stdout.write(`\n${summary}\n`);

    expect(unplannedExits.map((e) => `${e.process} life ${e.life} exited (code ${e.code}, signal ${e.signal}):\n${e.lastOutput}`)).toEqual([]);
    expect(checks.filter((c) => !passed(c))).toEqual([]);
    expect(totals(checks)).toEqual({ lost: 0, duplicated: 0, unexpected: 0 });
    // Non-vacuous: the run did what the issue asks.
    expect(raw.valid.length).toBeGreaterThanOrEqual(MIN_VALID);
    expect(raw.malformed.length).toBeGreaterThan(0);
    for (const stage of Stages) expect(stages[stage].kills, stage).toBeGreaterThanOrEqual(KILLS_PER_STAGE);
    expect(cleanStops).toEqual({ 'raw sink': 0, calibrator: 0, 'calibrated sink': 0 });
  }, 1_800_000);
});
