import { describe, expect, it } from 'vitest';
import { formatDuration, renderProgress } from '../../../../topology/core/replay/progress.ts';

describe('renderProgress', () => {
  it('shows bar, percent, records, rate and ETA', () => {
    const line = renderProgress({ done: false, appliedPartitions: 3, partitions: 3, total: 1000n, remaining: 250n, recordsPerSecond: 50, etaSeconds: 5, byPartition: [] }, 20);
    expect(line).toBe('[###############-----]  75%  750/1000 records  50 rec/s  ETA 5s');
  });

  it('says which partitions have not picked the request up yet', () => {
    const line = renderProgress({ done: false, appliedPartitions: 1, partitions: 3, total: 10n, remaining: 10n, recordsPerSecond: 0, etaSeconds: undefined, byPartition: [] }, 10);
    expect(line).toContain('ETA --');
    expect(line).toContain('(1/3 partitions picked it up)');
  });

  it('formats durations in s, m and h', () => {
    expect(formatDuration(4.2)).toBe('5s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(7300)).toBe('2h01m');
  });
});
