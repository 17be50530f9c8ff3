import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../dev/stack/command.ts';

function captured(): { out: () => string; err: () => string } {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const text = (spy: typeof out) => (): string => spy.mock.calls.map(([chunk]) => String(chunk)).join('');
  return { out: text(out), err: text(err) };
}

afterEach(() => { vi.restoreAllMocks(); });

describe('bin/dev-stack exit codes', () => {
  it('--help prints the usage on stdout and exits 0', async () => {
    const io = captured();
    expect(await main(['--help'], {})).toBe(0);
    expect(io.out()).toMatch(/^Usage: bin\/dev-stack/);
    expect(io.err()).toBe('');
  });

  it('an unknown command is named, then the usage, on stderr, exit 2', async () => {
    const io = captured();
    expect(await main(['frob'], {})).toBe(2);
    expect(io.err()).toMatch(/^\[dev-stack\] unknown command: frob\nUsage: bin\/dev-stack/);
    expect(io.out()).toBe('');
  });

  it('no command prints the usage on stderr, exit 2', async () => {
    const io = captured();
    expect(await main([], {})).toBe(2);
    expect(io.err()).toMatch(/^Usage: bin\/dev-stack/);
  });

  it('an unknown argument prints the usage and an error naming it, exit 1', async () => {
    const io = captured();
    expect(await main(['up', '--sideways'], {})).toBe(1);
    expect(io.err()).toMatch(/Usage: bin\/dev-stack[\s\S]*\[dev-stack\] error: unknown argument: --sideways\n$/);
  });

  it('env prints the exports and starts nothing', async () => {
    const io = captured();
    expect(await main(['env'], { KAFKA_PORT: '19092', KALIBRA_PG_PORT: '15432' })).toBe(0);
    expect(io.out()).toBe('export KAFKA_BROKERS=127.0.0.1:19092\nexport DATABASE_URL=postgres://postgres@127.0.0.1:15432/kalibra\n');
  });
});
