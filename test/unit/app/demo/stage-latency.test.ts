import { describe, expect, it } from 'vitest';
import { stageMeans, stageTotals } from '../../../../app/demo/stage-latency.ts';
import { renderDemoView } from '../../../../app/demo/demo-view.ts';
import type { DemoState } from '../../../../app/demo/demo-state.ts';

const histogram = (name: string, sum: number, count: number): string =>
  `# TYPE ${name} histogram\n${name}_bucket{le="+Inf"} ${count}\n${name}_sum ${sum}\n${name}_count ${count}\n`;

describe('the demo\'s stage latencies', () => {
  it('reads each stage from the process that measures it and averages what passed between two scrapes', () => {
    const then = stageTotals({
      rawSink: histogram('kalibra_sink_record_age_seconds', 1, 10),
      calibrator: histogram('kalibra_gate_release_seconds', 0.1, 10) + histogram('kalibra_record_commit_seconds', 0.5, 10),
      calibratedSink: histogram('kalibra_sink_record_commit_seconds', 0.2, 10) + histogram('kalibra_sink_record_age_seconds', 99, 10),
    });
    const now = stageTotals({
      rawSink: histogram('kalibra_sink_record_age_seconds', 1.3, 20),
      calibrator: histogram('kalibra_gate_release_seconds', 0.12, 20) + histogram('kalibra_record_commit_seconds', 0.5, 10),
      calibratedSink: undefined,
    });
    const means = stageMeans(now, then);
    expect(means.saved).toBeCloseTo(30, 6);
    expect(means.released).toBeCloseTo(2, 6);
    // Nothing committed since the last scrape, and a process that did not answer: no figure.
    expect(means.committed).toBeUndefined();
    expect(means.stored).toBeUndefined();
  });

  it('are one line of the view, in pipeline order, with a dash where there is no figure', () => {
    const state = {
      nowMs: 0, phase: 'live', liveSinceMs: 0, sent: { readings: 0, duplicates: 0, malformed: 0 }, rows: { raw: 0, calibrated: 0 },
      calibratedPerSecond: undefined, sentPerSecond: undefined, latency: { p50Ms: undefined, p99Ms: undefined, samples: 0, windowMs: 60_000 },
      stages: { saved: 31.4, released: 0.4, committed: 22 }, dlqByCode: undefined, rawSinkDlq: undefined, sensors: [], children: [], logsDir: '.dev/logs',
    } satisfies DemoState;
    expect(renderDemoView(state)).toContain('stages      saved 31 ms → released 0 ms → committed 22 ms → stored —  (mean per record, last 5 s)');
  });
});
