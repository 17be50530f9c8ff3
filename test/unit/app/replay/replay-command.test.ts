import { describe, expect, it } from 'vitest';
import type { Admin } from '@platformatic/kafka';
import { formatPlan, runReplayCommand, sensorWarnings } from '../../../../app/replay/replay-command.ts';
import type { ReplayCommandArgs, ReplayCommandIO } from '../../../../app/replay/replay-command.ts';

const args: ReplayCommandArgs = {
  from: undefined, to: undefined, group: 'kalibra-calibrator', topic: 'readings.raw', stateTopic: 'readings.replay-state',
  dryRun: false, yes: false, watch: false,
};

/** Argument errors are found before any Kafka call: an admin that throws proves nothing was asked. */
async function run(overrides: Partial<ReplayCommandArgs>): Promise<{ code: number; err: string; out: string }> {
  let err = '';
  let out = '';
  const untouchable = new Proxy({}, { get: () => { throw new Error('Kafka was called'); } }) as Admin;
  const io: ReplayCommandIO = {
    admin: untouchable, connection: { bootstrapBrokers: ['127.0.0.1:1'] },
    out: { write: (t: string) => { out += t; } }, err: { write: (t: string) => { err += t; } },
    interactive: false, confirm: () => Promise.resolve(false), now: () => Date.parse('2026-11-29T06:00:00Z'),
    signal: new AbortController().signal, selector: () => null,
  };
  const code = await runReplayCommand({ ...args, ...overrides }, io);
  return { code, err, out };
}

describe('bin/replay arguments', () => {
  it('prints one line and exits 2 without --from, with --to but no --from, or with an unreadable time', async () => {
    for (const [overrides, pattern] of [
      [{}, /--from is required/],
      [{ to: '1h' }, /--to needs --from/],
      [{ from: 'last tuesday' }, /--from: cannot read "last tuesday"/],
      [{ from: '2h', to: 'soon' }, /--to: cannot read "soon"/],
      [{ watch: true, from: '2h' }, /--watch .* takes no --from/],
      [{ from: '2h', sensors: ['sensor 1'] }, /--sensor "sensor 1": not a sensor id/],
    ] as const) {
      const { code, err, out } = await run(overrides);
      expect(code).toBe(2);
      expect(err).toMatch(pattern);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(out).toBe('');
    }
  });
});

describe('the printed plan', () => {
  it('shows per partition from, to, end, committed and records, then the total', () => {
    const lines = formatPlan({
      topic: 'readings.raw', group: 'g', fromMs: Date.parse('2026-11-28T00:00:00Z'), toMs: null, activeMembers: 2,
      partitions: [
        { partition: 0, fromOffset: 10n, toOffset: 30n, endOffset: 30n, committed: 30n, records: 20n },
        { partition: 1, fromOffset: 5n, toOffset: 5n, endOffset: 5n, committed: undefined, records: 0n },
      ],
    });
    expect(lines[0]).toBe('replay readings.raw for group g from 2026-11-28T00:00:00.000Z to now (2 instance(s) running: online)');
    expect(lines[2]!.trim().split(/\s+/)).toEqual(['0', '10', '30', '30', '30', '20']);
    expect(lines[3]!.trim().split(/\s+/)).toEqual(['1', '5', '5', '5', '-', '0']);
    expect(lines.at(-1)).toBe('total: 20 records to re-read');
  });
});

describe('--sensor', () => {
  const profiles = { dir: './calibration-profiles', sensors: new Set(['sensor-001', 'sensor-002', 'sensor-003', 'sensor-004', 'sensor-005']) };

  it('warns about a sensor without a profile, naming it and what was found, and lets it through', () => {
    expect(sensorWarnings(['sensor-001', 'sensor-999'], profiles)).toEqual([
      'warning: sensor-999 has no profile in ./calibration-profiles (profiles found: 5: sensor-001 … sensor-005); its readings, if any, are replayed and stay uncalibrated',
    ]);
    expect(sensorWarnings(['sensor-001'], profiles)).toEqual([]);
    expect(sensorWarnings(['x'], { dir: 'nowhere', sensors: undefined })).toEqual(['warning: could not read the profiles in nowhere to check --sensor x']);
  });

  it('refuses what cannot be a sensor id', () => {
    expect(() => sensorWarnings(['a|b'], profiles)).toThrow(/--sensor "a\|b": not a sensor id/);
  });

  it('the plan says the count is every sensor\'s, and on which partition the sensor is', () => {
    const lines = formatPlan({
      topic: 'readings.raw', group: 'g', fromMs: 0, toMs: null, activeMembers: 1,
      partitions: [0, 1, 2, 3, 4, 5].map((partition) => ({ partition, fromOffset: 0n, toOffset: 10n, endOffset: 10n, committed: 10n, records: BigInt(partition + 1) })),
    }, ['sensor-001']);
    expect(lines.at(-2)).toBe('total: 21 records to re-read, every sensor\'s; only sensor-001 is recalibrated, the rest skipped without output');
    expect(lines.at(-1)).toMatch(/^ {2}sensor-001: on partition (\d), so at most \d+ of them \(that partition's window holds other sensors' readings too\)$/);
  });
});
