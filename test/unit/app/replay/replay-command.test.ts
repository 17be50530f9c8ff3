import { describe, expect, it } from 'vitest';
import type { Admin } from '@platformatic/kafka';
import { formatPlan, runReplayCommand } from '../../../../app/replay/replay-command.ts';
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
