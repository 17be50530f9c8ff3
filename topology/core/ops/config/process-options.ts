// Options every long-running Kalibra process reads: its ops HTTP port, log level and
// instance id. Declared once so every command shows and parses them the same way.
import { hostname } from 'node:os';
import { LogLevels } from '../log/log-level.ts';
import { defineOptions } from './option.ts';

const group = 'Process';

export const processOptions = defineOptions({
  httpPort: {
    env: 'KALIBRA_HTTP_PORT', type: 'int', placeholder: 'port', default: 8080, min: 0, max: 65535, group,
    description: 'Port of /healthz, /readyz and /metrics; 0 picks a free port (logged at start).',
  },
  logLevel: {
    env: 'KALIBRA_LOG_LEVEL', type: 'string', choices: LogLevels, placeholder: 'level', default: 'info', group,
    description: 'Least severe level that is logged (JSON lines on stderr).',
  },
  instanceId: {
    env: 'KALIBRA_INSTANCE_ID', type: 'string', placeholder: 'id', defaultLabel: 'the hostname', group,
    description: 'Name of this instance in logs, metrics and transactional ids; must be stable across restarts (a StatefulSet pod name).',
  },
});

/** KALIBRA_INSTANCE_ID, or the hostname when it is not set. */
export function resolveInstanceId(instanceId: string | undefined): string {
  return instanceId ?? hostname();
}
