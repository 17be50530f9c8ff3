// The dashboards and alerts against the real thing: bin/sink raw, bin/calibrator and bin/sink
// calibrated run on the local broker and Postgres, a real Prometheus (Debian's package, on a
// free loopback port, with its own data dir) scrapes them with the `component` label the
// PodMonitor sets, and loads the alert rules. Every PromQL expression of a dashboard panel or
// an alert is evaluated through Prometheus' HTTP API and must return data, or select only
// series Prometheus has scraped (a rate of a counter that has not moved, an alert that does not
// fire); every Postgres panel's SQL runs against the sink's real tables.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { migrate } from '../../../connectors/postgres/migrate.ts';
import {
  alertRules, allPromQueries, dashboards, fillPromVariables, fillSqlVariables, labelValuesVariables, metricNames, scratchDir, sqlQueries, writeRuleFile,
} from '../../helpers/monitoring.ts';
import { expectedIdentity, profileYaml, writeAtomically } from '../../helpers/pipeline-expected.ts';
import type { TestProfile } from '../../helpers/pipeline-expected.ts';
import { freePort } from '../../helpers/sink-private-postgres.ts';
import { opsPort, spawnBin, started, tempDir } from '../../helpers/pipeline-processes.ts';
import type { PipelineProcess } from '../../helpers/pipeline-processes.ts';
import { rowCount } from '../../helpers/pipeline-gate-audit.ts';
import { produce, sinkSchema } from '../../helpers/sink-fixtures.ts';
import { createTopics, pgClient, uniqueName, waitFor } from '../../helpers/stack.ts';

const SENSOR = 'mon-01';
const UNPROFILED = 'mon-02';
const READINGS = 40;

interface Prometheus { url: string; output: () => string }

/** Starts Prometheus on loopback with its own config and data dir; stopped (SIGTERM, then SIGKILL) when the test ends. */
async function startPrometheus(targets: Record<string, number>): Promise<Prometheus> {
  const scratch = scratchDir('kalibra-prometheus');
  const rules = writeRuleFile(scratch.dir);
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' },
    rule_files: [rules],
    scrape_configs: [{
      job_name: 'kalibra',
      // As the PodMonitor's relabeling does in Kubernetes (pod label app.kubernetes.io/component).
      static_configs: Object.entries(targets).map(([component, port]) => ({ targets: [`127.0.0.1:${port}`], labels: { component } })),
    }],
  };
  writeAtomically(scratch.dir, 'prometheus.yml', stringify(config));
  const port = await freePort();
  const child = spawn('prometheus', [
    `--config.file=${join(scratch.dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(scratch.dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=1h', '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<void>((resolve) => { child.once('exit', () => resolve()); });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    scratch.remove();
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}:\n${output}`);
    return (await fetch(`${url}/-/ready`)).ok;
  }, { timeoutMs: 30_000, message: `prometheus ready on ${url}` });
  return { url, output: () => output };
}

interface ApiResponse<T> { status: string; data: T; error?: string }

async function api<T>(prometheus: Prometheus, path: string, params: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${prometheus.url}/api/v1/${path}?${new URLSearchParams(params).toString()}`);
  const body = await response.json() as ApiResponse<T>;
  if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.error ?? response.status}`);
  return body.data;
}

/** Whether Prometheus has scraped the series (or, for a labelled counter with no child yet, its metadata). */
async function scraped(prometheus: Prometheus, name: string): Promise<boolean> {
  const series = await api<unknown[]>(prometheus, 'series', { 'match[]': name });
  if (series.length > 0) return true;
  const metadata = await api<Record<string, unknown[]>>(prometheus, 'metadata', { metric: name.replace(/_(bucket|sum|count)$/, '') });
  return Object.keys(metadata).length > 0;
}

function spawnStage(command: 'calibrator' | 'sink', args: string[], env: Record<string, string>, name: string): PipelineProcess {
  return spawnBin(command, args, { ...env, KALIBRA_GROUP_ID: uniqueName(`mon-${name}`), KALIBRA_INSTANCE_ID: uniqueName(name) });
}

describe('dashboards and alerts against a real Prometheus scraping the real pipeline', () => {
  it('every dashboard and alert expression returns data or selects scraped series, and every Postgres panel query runs on the real tables', async () => {
    const began = Date.now();
    const [raw, calibrated, dlq, state] = ['mon-raw', 'mon-calibrated', 'mon-dlq', 'mon-replay-state'].map(uniqueName) as [string, string, string, string];
    await createTopics([raw, calibrated], { partitions: 2 });
    await createTopics([dlq]);
    await createTopics([state], { configs: { 'cleanup.policy': 'compact' } });
    const schema = sinkSchema();
    const client = await pgClient();
    await migrate(client, schema);
    const profiles = tempDir('kalibra-profiles');
    const profile: TestProfile = {
      sensor: SENSOR, inputUnit: 'celsius', unit: 'celsius',
      versions: [{ validFrom: '2025-01-01T00:00:00.000Z', params: { method: 'linear', gain: 1, offset: 0.5 } }],
    };
    writeAtomically(profiles, `${SENSOR}.yaml`, profileYaml(profile));
    const env = {
      KALIBRA_TOPIC_RAW: raw, KALIBRA_TOPIC_CALIBRATED: calibrated, KALIBRA_TOPIC_DLQ: dlq, KALIBRA_TOPIC_REPLAY_STATE: state,
      KALIBRA_SINK_SCHEMA: schema, KALIBRA_GATE_SCHEMA: schema, KALIBRA_PROFILES_DIR: profiles,
    };

    const stages = {
      'sink-raw': spawnStage('sink', ['--mapping', 'raw'], env, 'raw-sink'),
      calibrator: spawnStage('calibrator', [], env, 'calibrator'),
      'sink-calibrated': spawnStage('sink', ['--mapping', 'calibrated'], env, 'calibrated-sink'),
    };
    for (const [name, proc] of Object.entries(stages)) await started(proc, name);
    const ports = Object.fromEntries(await Promise.all(Object.entries(stages).map(async ([name, proc]) => [name, await opsPort(proc)] as const)));
    const prometheus = await startPrometheus(ports);

    // Readings of the last minute for a profiled and an unprofiled sensor, and one malformed
    // record, so that dead-letter series exist in the calibrator and the raw sink.
    const now = Date.now();
    const readings = Array.from({ length: READINGS }, (_, i) => {
      const sensor = i % 2 === 0 ? SENSOR : UNPROFILED;
      const ts = now - 60_000 + i * 1000;
      return { key: `${sensor}|${ts}`, value: JSON.stringify({ sensor_id: sensor, ts: new Date(ts).toISOString(), value: 20 + i / 10, unit: 'celsius' }), partition: i % 2 };
    });
    await produce(raw, [...readings.slice(0, 20), { key: `${SENSOR}|${now}`, value: '{"sensor_id":', partition: 0 }, ...readings.slice(20)]);
    await waitFor(async () => await rowCount(client, schema, 'calibrated_readings') === READINGS,
      { timeoutMs: 60_000, message: `${READINGS} calibrated rows` });

    // Every target scraped and up, and enough scrapes after the readings for rate() windows.
    await waitFor(async () => {
      const { activeTargets } = await api<{ activeTargets: { health: string }[] }>(prometheus, 'targets');
      return activeTargets.length === 3 && activeTargets.every((t) => t.health === 'up');
    }, { timeoutMs: 30_000, message: `three targets up:\n${prometheus.output()}` });
    await waitFor(async () => (await api<{ result: unknown[] }>(prometheus, 'query', { query: 'sum(kalibra_sink_dead_lettered_total) > 0 and sum(kalibra_dlq_records_total) > 0' })).result.length > 0,
      { timeoutMs: 30_000, message: 'dead letters of both the calibrator and the raw sink scraped' });
    await new Promise((resolve) => setTimeout(resolve, 5_000));

    // The component variable offers the three stages.
    for (const dashboard of dashboards()) {
      for (const v of labelValuesVariables(dashboard.dashboard)) {
        const values = await api<string[]>(prometheus, `label/${v.label}/values`, { 'match[]': v.metric });
        expect(values.sort(), v.where).toEqual(['calibrator', 'sink-calibrated', 'sink-raw']);
      }
    }

    // Every PromQL expression: valid, and data or only scraped series.
    const outcomes: string[] = [];
    const problems: string[] = [];
    for (const { where, text } of allPromQueries()) {
      const query = fillPromVariables(text, { component: '.+' });
      let result: unknown[];
      try {
        result = (await api<{ result: unknown[] }>(prometheus, 'query', { query })).result;
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
        continue;
      }
      if (result.length > 0) {
        outcomes.push(`${where}: ${result.length} series`);
        continue;
      }
      const missing: string[] = [];
      for (const name of metricNames(text)) if (!(await scraped(prometheus, name))) missing.push(name);
      if (missing.length > 0) problems.push(`${where}: no data, and never scraped: ${missing.join(', ')}`);
      else outcomes.push(`${where}: empty, over scraped series ${metricNames(text).join(', ')}`);
    }
    expect(problems).toEqual([]);
    // The series the dashboards are mostly about must have data, not just exist.
    const withData = (prefix: string): boolean => outcomes.some((o) => o.startsWith(prefix) && o.endsWith('series'));
    for (const panel of ['Up', 'Ready', 'Records consumed per stage', 'Records produced per topic', 'Consumer lag per partition',
      'Calibrator transaction commit latency', 'Sink batch commit latency', 'Gate wait', 'Dead letters by code', 'Dead letters by source',
      'Profiles in force', 'Records left to re-read']) {
      expect(withData(`kalibra-pipeline / ${panel}`), panel).toBe(true);
    }

    // The rules loaded and evaluate without error; none fires on a healthy pipeline.
    const { groups } = await api<{ groups: { rules: { name: string; health: string; state: string; lastError?: string }[] }[] }>(prometheus, 'rules');
    const evaluated = groups.flatMap((g) => g.rules);
    expect(evaluated.map((r) => r.name).sort()).toEqual(alertRules().map((r) => r.alert).sort());
    expect(evaluated.filter((r) => r.health !== 'ok')).toEqual([]);
    expect(evaluated.filter((r) => r.state !== 'inactive').map((r) => r.name)).toEqual([]);

    // Every Postgres query, on the tables the sinks just wrote; the sensor panels show rows.
    const range = { from: new Date(now - 3_600_000), to: new Date(now + 60_000) };
    for (const { dashboard } of dashboards()) {
      for (const { where, text } of sqlQueries(dashboard)) {
        const sql = fillSqlVariables(text, { schema, sensor: SENSOR }, range);
        const { rows } = await client.query(sql).catch((error: Error) => { throw new Error(`${where}: ${error.message}\n${sql}`); });
        expect(rows.length, where).toBeGreaterThan(0);
        outcomes.push(`${where}: ${rows.length} rows`);
      }
    }
    const profileRows = await client.query<{ profile: string | null }>(
      fillSqlVariables(sqlQueries(dashboards().find((d) => d.dashboard.uid === 'kalibra-data')!.dashboard).find((q) => q.where.includes('Profile version that produced'))!.text,
        { schema, sensor: SENSOR }, range));
    expect(new Set(profileRows.rows.map((r) => r.profile))).toEqual(new Set([expectedIdentity(profile, profile.versions[0]!)]));

    console.info(`monitoring: ${outcomes.length} queries in ${Math.round((Date.now() - began) / 1000)} s\n  ${outcomes.join('\n  ')}`);
  }, 180_000);
});
