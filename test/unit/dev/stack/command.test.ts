import { describe, expect, it } from 'vitest';
import { envLines, parseArguments, usage } from '../../../../dev/stack/command.ts';
import { stackSettings } from '../../../../dev/stack/settings.ts';

describe('bin/dev-stack arguments', () => {
  it('takes a command, then --connect anywhere after it', () => {
    expect(parseArguments(['up'])).toEqual({ kind: 'run', command: 'up', connect: false, secure: false });
    expect(parseArguments(['up', '--connect'])).toEqual({ kind: 'run', command: 'up', connect: true, secure: false });
    expect(parseArguments(['status', '--connect'])).toEqual({ kind: 'run', command: 'status', connect: true, secure: false });
    expect(parseArguments(['up', '--secure'])).toEqual({ kind: 'run', command: 'up', connect: false, secure: true });
    for (const command of ['down', 'status', 'logs', 'env', 'libs']) {
      expect(parseArguments([command])).toEqual({ kind: 'run', command, connect: false, secure: false });
    }
  });

  it('shows help for help, -h and --help, also after a command', () => {
    for (const argv of [['help'], ['-h'], ['--help'], ['up', '--help'], ['frob', '-h'], ['up', '--connect', '-h']]) {
      expect(parseArguments(argv)).toEqual({ kind: 'help' });
    }
  });

  it('names an unknown command, and an empty one', () => {
    expect(parseArguments(['frob'])).toEqual({ kind: 'unknown-command', command: 'frob' });
    expect(parseArguments(['--connect'])).toEqual({ kind: 'unknown-command', command: '--connect' });
    expect(parseArguments([])).toEqual({ kind: 'unknown-command', command: '' });
  });

  it('names an unknown argument, checked before the command', () => {
    expect(parseArguments(['up', '--sideways'])).toEqual({ kind: 'unknown-argument', argument: '--sideways' });
    expect(parseArguments(['frob', 'up'])).toEqual({ kind: 'unknown-argument', argument: 'up' });
    expect(parseArguments(['up', '--connect', 'down'])).toEqual({ kind: 'unknown-argument', argument: 'down' });
  });

  it('shows the broker port in the usage', () => {
    expect(usage('19092')).toContain('start Kafka (127.0.0.1:19092)');
    expect(usage('9092')).toMatch(/^Usage: bin\/dev-stack <command> \[--connect\] \[--secure\]\n/);
  });
});

describe('bin/dev-stack settings', () => {
  it('defaults the ports, the dev dir and the database, an empty variable counting as unset', () => {
    const settings = stackSettings({ HOME: '/home/k', KAFKA_PORT: '', KALIBRA_DEV_DIR: '' }, process.cwd());
    expect(settings).toMatchObject({
      devDir: `${process.cwd()}/.dev`, cacheDir: '/home/k/.cache/kalibra', kafkaPort: '9092', controllerPort: '9093', pgPort: '5432',
    });
    expect(settings.kafkaLibs).toMatch(/^\/home\/k\/\.cache\/kalibra\/kafka-4\.3\.1-[0-9a-f]{12}\/libs$/);
    expect(envLines(settings)).toBe('export KAFKA_BROKERS=127.0.0.1:9092\nexport DATABASE_URL=postgres://postgres@127.0.0.1:5432/kalibra\n');
  });

  it('takes the ports, directories and DATABASE_URL from the environment', () => {
    const settings = stackSettings({
      KAFKA_PORT: '19092', KAFKA_CONTROLLER_PORT: '19093', KALIBRA_PG_PORT: '15432', KALIBRA_DEV_DIR: '/tmp/d',
      XDG_CACHE_HOME: '/xdg', DATABASE_URL: 'postgres://u@db:5/x',
    }, process.cwd());
    expect(settings).toMatchObject({ devDir: '/tmp/d', cacheDir: '/xdg/kalibra', kafkaPort: '19092', controllerPort: '19093', pgPort: '15432' });
    expect(envLines(settings)).toBe('export KAFKA_BROKERS=127.0.0.1:19092\nexport DATABASE_URL=postgres://u@db:5/x\n');
    expect(stackSettings({ KALIBRA_CACHE_DIR: '/c', XDG_CACHE_HOME: '/xdg' }, process.cwd()).cacheDir).toBe('/c');
  });
});
