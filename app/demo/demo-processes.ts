// The processes the demo runs, as a user would run them by hand: bin/dev-stack up, bin/topics
// apply, then the raw sink, the calibrated sink and the calibrator with their own instance ids,
// ops ports and log files. The environment is passed on, minus what must differ per process.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DemoChild } from './child-process.ts';
import { DemoError } from './errors.ts';

export interface PipelineSettings {
  root: string;
  logsDir: string;
  env: NodeJS.ProcessEnv;
  /** Postgres schema of both sinks (and the gate). */
  schema: string;
  /** KALIBRA_GROUP_ID as given: the calibrator's group, and the prefix of the sinks' groups. */
  groupId: string | undefined;
  /** Connect mode: the calibrator gates on this consumer group (the raw connector's) and writes Connect JSON; no sinks run. */
  connectGateGroup?: string;
}

/** Settings that name one process; set per child, never inherited from the demo's environment. */
const PER_PROCESS = ['KALIBRA_HTTP_PORT', 'KALIBRA_INSTANCE_ID', 'KALIBRA_GROUP_ID', 'KALIBRA_SINK_CONNECTOR', 'KALIBRA_SINK_MAPPING'];

/** Runs a one-shot command to completion; output to its log file (stderr too when `show`). */
export async function runStep(settings: PipelineSettings, name: string, command: string, args: readonly string[], show = false): Promise<void> {
  const logFile = join(settings.logsDir, `${name}.log`);
  const log = openSync(logFile, 'a');
  let code: number | null;
  try {
    const child = spawn(join(settings.root, command), args, { cwd: settings.root, env: settings.env, stdio: ['ignore', log, show ? 'inherit' : log] });
    code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.once('error', () => resolve(null));
    });
  } finally {
    closeSync(log);
  }
  if (code !== 0) {
    const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-10).join('\n');
    throw new DemoError('STEP_FAILED', `${command} ${args.join(' ')} failed (${code === null ? 'did not start' : `exit code ${code}`}); ${logFile}:\n${tail}`);
  }
}

/** A port nobody listens on right now (the OS picks it; the child binds it moments later). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function childEnv(settings: PipelineSettings, own: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...settings.env };
  for (const name of PER_PROCESS) delete env[name];
  return { ...env, ...own };
}

export type ChildRole = 'raw sink' | 'calibrated sink' | 'calibrator';

export async function startChild(settings: PipelineSettings, role: ChildRole): Promise<DemoChild> {
  const port = await freePort();
  const slug = role.replace(' ', '-');
  const common = { KALIBRA_HTTP_PORT: String(port), KALIBRA_INSTANCE_ID: `demo-${slug}` };
  const logFile = join(settings.logsDir, `${slug}.log`);
  if (role === 'calibrator') {
    return new DemoChild({
      name: role, port, logFile, cwd: settings.root, command: join(settings.root, 'bin', 'calibrator'), args: [],
      env: childEnv(settings, {
        ...common,
        KALIBRA_GATE_SCHEMA: settings.env.KALIBRA_GATE_SCHEMA ?? settings.schema,
        ...(settings.connectGateGroup === undefined ? {} : {
          KALIBRA_GATE_MODE: 'connect', KALIBRA_GATE_CONNECT_GROUP: settings.connectGateGroup, KALIBRA_OUTPUT_FORMAT: 'connect-json',
        }),
        ...(settings.groupId === undefined ? {} : { KALIBRA_GROUP_ID: settings.groupId }),
      }),
    });
  }
  const mapping = role === 'raw sink' ? 'raw' : 'calibrated';
  return new DemoChild({
    name: role, port, logFile, cwd: settings.root, command: join(settings.root, 'bin', 'sink'), args: ['--mapping', mapping],
    env: childEnv(settings, {
      ...common,
      KALIBRA_SINK_SCHEMA: settings.schema,
      ...(settings.groupId === undefined ? {} : { KALIBRA_GROUP_ID: `${settings.groupId}-sink-${mapping}` }),
    }),
  });
}
