// Issue 17: the pipeline against a broker that demands TLS, SCRAM-SHA-512 and ACLs (bin/dev-stack
// up --secure, users and ACLs from k8s/base/users.yaml) and a Postgres that takes only TLS with a
// password (sslmode=verify-full, the URL from DATABASE_URL_FILE). Each process runs as its own
// Kafka user; every refusal a component must meet is shown with the error it produces; and no
// secret appears in any log, /metrics, --help or command line of the processes started.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caFile, passwordFile, secretsDir, secureSettings, tlsDir } from '../../../dev/stack/secure.ts';
import type { StackSettings } from '../../../dev/stack/settings.ts';
import { opsPort, repoRoot, spawnBin, started } from '../../helpers/pipeline-processes.ts';
import type { PipelineProcess } from '../../helpers/pipeline-processes.ts';
import { kafkaRefusal } from '../../helpers/secure-clients.ts';
import { waitFor } from '../../helpers/stack.ts';
import { freePort } from '../../helpers/sink-private-postgres.ts';
import { tlsPostgres, type TlsPostgres } from '../../helpers/tls-postgres.ts';

function devStack(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(repoRoot, 'bin', 'dev-stack'), args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code) => { resolve({ code, output }); });
  });
}

let dir: string;
let stackEnv: NodeJS.ProcessEnv;
let settings: StackSettings;
/** Everything the secret scan reads: process output, /metrics, --help, `ps` snapshots, log files. */
const evidence: { where: string; text: string }[] = [];
const processes: { name: string; proc: PipelineProcess }[] = [];

function record(name: string, proc: PipelineProcess): PipelineProcess {
  processes.push({ name, proc });
  return proc;
}

/** The settings of one component's Kafka user (the password as a file), and the database URL as a file. */
function componentEnv(user: string, database?: TlsPostgres): Record<string, string> {
  return {
    KAFKA_BROKERS: `127.0.0.1:${settings.kafkaPort}`,
    KAFKA_TLS: 'true',
    KAFKA_TLS_CA_FILE: caFile(settings),
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: user,
    KAFKA_SASL_PASSWORD_FILE: passwordFile(settings, user),
    KAFKA_SASL_PASSWORD: '',
    DATABASE_URL: '',
    ...(database === undefined ? {} : { DATABASE_URL_FILE: database.urlFile }),
  };
}

function psSnapshot(where: string): void {
  evidence.push({ where: `ps -eo args (${where})`, text: execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }) });
}

async function finished(proc: PipelineProcess, what: string): Promise<number | null> {
  const code = await proc.exited;
  evidence.push({ where: `${what} output`, text: proc.output() });
  return code;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kalibra-secure-'));
  stackEnv = {
    ...process.env,
    KALIBRA_SECURE_DEV_DIR: dir,
    KALIBRA_SECURE_KAFKA_PORT: String(await freePort()),
    KALIBRA_SECURE_CONTROLLER_PORT: String(await freePort()),
  };
  settings = secureSettings(stackEnv);
  const up = await devStack(['up', '--secure'], stackEnv);
  evidence.push({ where: 'bin/dev-stack up --secure output', text: up.output });
  expect(up.code, up.output).toBe(0);
}, 150_000);

afterAll(async () => {
  if (stackEnv === undefined) return;
  await devStack(['down', '--secure'], stackEnv);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('the pipeline on a broker that demands TLS, SCRAM and ACLs (issue 17)', () => {
  it('runs end to end with each component as its own user, Postgres over verify-full TLS, and an online replay', async () => {
    const database = await tlsPostgres(tlsDir(settings), secretsDir(settings));

    // The admin creates the topics (in k8s the Topic Operator does); the check runs as its own user.
    const apply = record('bin/topics apply', spawnBin('topics', ['apply'], componentEnv('admin')));
    expect(await finished(apply, 'bin/topics apply'), apply.output()).toBe(0);
    const check = record('bin/topics apply --check', spawnBin('topics', ['apply', '--check'], componentEnv('kalibra-topics-check')));
    expect(await finished(check, 'bin/topics apply --check'), check.output()).toBe(0);
    expect(check.output()).toContain('readings.replay-state: as desired');

    const rawSink = record('raw sink', spawnBin('sink', ['--mapping', 'raw'], {
      ...componentEnv('kalibra-sink-raw', database), KALIBRA_GROUP_ID: 'kalibra-sink-raw', KALIBRA_INSTANCE_ID: 'kalibra-sink-raw-0',
    }));
    await started(rawSink, 'the raw sink');
    const calibrator = record('calibrator', spawnBin('calibrator', [], {
      ...componentEnv('kalibra-calibrator', database), KALIBRA_GROUP_ID: 'kalibra-calibrator', KALIBRA_INSTANCE_ID: 'kalibra-calibrator-0',
    }));
    const calibratedSink = record('calibrated sink', spawnBin('sink', ['--mapping', 'calibrated'], {
      ...componentEnv('kalibra-sink-calibrated', database), KALIBRA_GROUP_ID: 'kalibra-sink-calibrated', KALIBRA_INSTANCE_ID: 'kalibra-sink-calibrated-0',
    }));
    await started(calibrator, 'the calibrator');
    await started(calibratedSink, 'the calibrated sink');

    const simulateStart = Date.now();
    const simulator = record('simulator', spawnBin('simulate', ['--sensors', '12', '--rate', '400', '--duration', '3s', '--seed', '17'],
      componentEnv('kalibra-simulator')));
    psSnapshot('pipeline and simulator running');
    expect(await finished(simulator, 'simulator'), simulator.output()).toBe(0);
    const sent = JSON.parse(simulator.output().trim().split('\n').at(-1)!) as { readings: number };
    expect(sent.readings).toBeGreaterThan(500);

    const client = await database.superuser('kalibra');
    try {
      const counts = async (): Promise<{ raw: number; calibrated: number; matched: number; profiled: number }> => {
        const { rows } = await client.query<{ raw: string; calibrated: string; matched: string; profiled: string }>(`SELECT
          (SELECT count(*) FROM raw_readings) AS raw, (SELECT count(*) FROM calibrated_readings) AS calibrated,
          (SELECT count(*) FROM raw_readings r JOIN calibrated_readings c USING (sensor_id, ts) WHERE c.raw_value = r.value) AS matched,
          (SELECT count(*) FROM calibrated_readings WHERE profile IS NOT NULL AND value IS NOT NULL) AS profiled`);
        const row = rows[0]!;
        return { raw: Number(row.raw), calibrated: Number(row.calibrated), matched: Number(row.matched), profiled: Number(row.profiled) };
      };
      // The plaintext pipeline's end state: every reading saved raw and calibrated from that same raw
      // value (a malformed message the raw sink can store but the calibrator sends to the DLQ is raw only).
      let last: unknown;
      const settled = await waitFor(async () => {
        const c = await counts();
        last = c;
        return c.calibrated === sent.readings && c.matched === c.calibrated && c.raw >= c.calibrated ? c : undefined;
      }, { timeoutMs: 60_000, intervalMs: 500, message: `every one of ${sent.readings} readings saved raw and calibrated in Postgres` })
        .catch((error: unknown) => {
          const problems = processes.flatMap(({ name, proc }) => proc.output().split('\n').filter((l) => /"level":"(warn|error)"/.test(l)).map((l) => `${name}: ${l.slice(0, 600)}`));
          throw new Error(`${String(error)}; last ${JSON.stringify(last)}\n${problems.join('\n')}`);
        });
      expect(settled.profiled).toBeGreaterThan(settled.raw / 2);

      // An online replay as the replay user: the running calibrator re-emits every reading since --from.
      const replayStart = new Date();
      const replay = record('bin/replay', spawnBin('replay', ['--from', new Date(simulateStart - 60_000).toISOString(), '--yes'],
        { ...componentEnv('kalibra-replay'), KALIBRA_GROUP_ID: 'kalibra-calibrator' }));
      psSnapshot('replay running');
      expect(await finished(replay, 'bin/replay'), replay.output()).toBe(0);
      expect(replay.output()).toContain('requested: 1 running instance(s)');
      await waitFor(async () => {
        const { rows } = await client.query<{ stale: string }>('SELECT count(*) AS stale FROM calibrated_readings WHERE calibrated_at < $1', [replayStart]);
        return Number(rows[0]!.stale) === 0;
      }, { timeoutMs: 60_000, intervalMs: 500, message: 'every calibrated reading re-emitted by the replay' });
      expect(await counts()).toEqual(settled);
    } finally {
      await client.end();
    }

    for (const [name, proc] of [['raw sink', rawSink], ['calibrator', calibrator], ['calibrated sink', calibratedSink]] as const) {
      evidence.push({ where: `${name} /metrics`, text: await (await fetch(`http://127.0.0.1:${await opsPort(proc)}/metrics`)).text() });
    }
    psSnapshot('before stopping');
    for (const proc of [calibratedSink, calibrator, rawSink]) {
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    }
    for (const { name, proc } of processes) evidence.push({ where: `${name} output`, text: proc.output() });
    evidence.push({ where: 'postgres log', text: readFileSync(database.log, 'utf8') });
  }, 180_000);

  it('refuses each component what its KafkaUser does not grant, naming the missing permission', async () => {
    // The raw sink only reads: it may not produce, least of all to readings.calibrated.
    expect(await kafkaRefusal(settings, 'kalibra-sink-raw', { produce: 'readings.calibrated' })).toContain('TOPIC_AUTHORIZATION_FAILED');
    // The calibrator may join only its own group.
    expect(await kafkaRefusal(settings, 'kalibra-calibrator', { consume: 'readings.raw', group: 'kalibra-sink-raw' })).toContain('GROUP_AUTHORIZATION_FAILED');
    // The simulator may read nothing.
    expect(await kafkaRefusal(settings, 'kalibra-simulator', { consume: 'readings.raw', group: 'kalibra-simulator' })).toMatch(/(GROUP|TOPIC)_AUTHORIZATION_FAILED/);
    // The calibrated sink may not read raw readings.
    expect(await kafkaRefusal(settings, 'kalibra-sink-calibrated', { consume: 'readings.raw', group: 'kalibra-sink-calibrated' })).toContain('TOPIC_AUTHORIZATION_FAILED');
    // The replay user may not write calibrated readings.
    expect(await kafkaRefusal(settings, 'kalibra-replay', { produce: 'readings.calibrated' })).toContain('TOPIC_AUTHORIZATION_FAILED');

    // The calibrator's transactional ids are kalibra-calibrator-kalibra-calibrator-<ordinal> only.
    expect(await kafkaRefusal(settings, 'kalibra-calibrator', { transactionalId: 'kalibra-calibrator-rogue-0', produce: 'readings.calibrated' }))
      .toContain('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
    // bin/calibrator with an instance id outside the StatefulSet's names: its per-instance
    // replay-state group is refused first, the process exits 1 and its log names the permission.
    const rogue = record('calibrator (rogue instance id)', spawnBin('calibrator', ['--no-gate'], {
      ...componentEnv('kalibra-calibrator'), KALIBRA_GROUP_ID: 'kalibra-calibrator', KALIBRA_INSTANCE_ID: 'rogue-0',
    }));
    expect(await finished(rogue, 'calibrator (rogue instance id)')).toBe(1);
    expect(rogue.output()).toMatch(/"msg":"runtime failed".*GROUP_AUTHORIZATION_FAILED/);

    // The simulator producing to readings.calibrated: the command fails and names the permission.
    const wrongTopic = record('simulator (wrong topic)', spawnBin('simulate', ['--duration', '1s', '--kalibra-topic-raw', 'readings.calibrated'],
      componentEnv('kalibra-simulator')));
    expect(await finished(wrongTopic, 'simulator (wrong topic)')).not.toBe(0);
    expect(wrongTopic.output()).toContain('TOPIC_AUTHORIZATION_FAILED');

    // A wrong password, and no TLS at all, are refused before any request.
    const wrongPassword = join(dir, 'wrong.password');
    writeFileSync(wrongPassword, 'not-the-password\n', { mode: 0o600 });
    const badLogin = record('bin/topics (wrong password)', spawnBin('topics', ['apply', '--check'],
      { ...componentEnv('kalibra-topics-check'), KAFKA_SASL_PASSWORD_FILE: wrongPassword }));
    expect(await finished(badLogin, 'bin/topics (wrong password)')).toBe(1);
    expect(badLogin.output()).toContain('SASL_AUTHENTICATION_FAILED');
    const noTls = record('bin/topics (no TLS)', spawnBin('topics', ['apply', '--check'],
      { ...componentEnv('kalibra-topics-check'), KAFKA_TLS: 'false', KAFKA_TLS_CA_FILE: '' }));
    // The broker closes a plain connection at once: to the client no broker answers (exit 3),
    // and the message says what to check.
    expect(await finished(noTls, 'bin/topics (no TLS)')).toBe(3);
    expect(noTls.output()).toMatch(/Connection closed.*check KAFKA_TLS/);
    // A client that does not trust our CA is refused by TLS itself.
    expect(await kafkaRefusal(settings, 'kalibra-topics-check', { produce: 'readings.raw', trustSystemOnly: true })).toMatch(/certificate/i);
  }, 120_000);

  it('leaves no password, key or connection string with a password in any log, /metrics, --help or command line', async () => {
    for (const command of ['sink', 'calibrator', 'simulate', 'replay', 'topics']) {
      const help = spawnBin(command, command === 'topics' ? ['apply', '--help'] : ['--help'], componentEnv('kalibra-calibrator'));
      await help.exited;
      evidence.push({ where: `bin/${command} --help`, text: help.output() });
    }
    for (const logs of [join(dir, 'logs')]) {
      for (const name of readdirSync(logs)) evidence.push({ where: `broker ${name}`, text: readFileSync(join(logs, name), 'utf8') });
    }
    const secrets = readdirSync(secretsDir(settings)).map((name) => ({ name, value: readFileSync(join(secretsDir(settings), name), 'utf8').trim() }));
    const keystorePassword = readFileSync(join(tlsDir(settings), 'keystore.password'), 'utf8').trim();
    secrets.push({ name: 'keystore.password', value: keystorePassword });
    for (const key of readdirSync(tlsDir(settings)).filter((name) => name.endsWith('.key'))) {
      const body = readFileSync(join(tlsDir(settings), key), 'utf8').split('\n').find((line) => line.length > 40 && !line.startsWith('-----'));
      if (body !== undefined) secrets.push({ name: key, value: body });
    }
    const databaseUrl = secrets.find((s) => s.name === 'database-url')!.value;
    secrets.push({ name: 'database password', value: new URL(databaseUrl).password });
    expect(secrets.length).toBeGreaterThanOrEqual(10);
    // Each secret file is readable by its owner only.
    for (const name of readdirSync(secretsDir(settings))) expect(statSync(join(secretsDir(settings), name)).mode & 0o077).toBe(0);

    expect(evidence.length).toBeGreaterThan(15);
    const leaks = evidence.flatMap(({ where, text }) => secrets.filter((s) => s.value.length > 0 && text.includes(s.value)).map((s) => `${s.name} in ${where}`));
    expect(leaks).toEqual([]);
  }, 60_000);
});
