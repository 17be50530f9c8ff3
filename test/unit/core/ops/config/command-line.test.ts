import { describe, expect, it } from 'vitest';
import { loadConfigOrExit } from '../../../../../topology/core/ops/config/command-line.ts';
import { defineOptions } from '../../../../../topology/core/ops/config/option.ts';

const declarations = defineOptions({
  port: { env: 'KALIBRA_HTTP_PORT', type: 'int', default: 8080, description: 'Port.' },
  password: { env: 'KAFKA_SASL_PASSWORD', type: 'secret', description: 'Password.' },
});

class Exited extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

function run(argv: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  try {
    const config = loadConfigOrExit(declarations, {
      usage: 'bin/sink [options]', argv, env,
      out: { write: (text: string) => { out += text; } },
      err: { write: (text: string) => { err += text; } },
      exit: (code) => { throw new Exited(code); },
    });
    return { config, out, err, code: undefined };
  } catch (error) {
    if (error instanceof Exited) return { config: undefined, out, err, code: error.code };
    throw error;
  }
}

describe('loadConfigOrExit', () => {
  it('returns the parsed config when the arguments are good', () => {
    expect(run(['--kalibra-http-port', '9000']).config?.values.port).toBe(9000);
  });

  it('prints the generated help on stdout and exits 0 for --help', () => {
    const result = run(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage: bin\/sink \[options\]/);
    expect(result.err).toBe('');
  });

  it('prints one line on stderr and exits 2 for bad arguments', () => {
    const result = run(['--kalibra-http-port', 'x']);
    expect(result.code).toBe(2);
    expect(result.err).toBe('bin/sink: --kalibra-http-port: "x" is not an integer (see --help)\n');
  });

  it('rejects a secret flag with exit 2 and without printing the secret', () => {
    const result = run(['--kafka-sasl-password=hunter2']);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')).toHaveLength(2);
    expect(result.err).not.toContain('hunter2');
  });
});
