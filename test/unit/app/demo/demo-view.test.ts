import { describe, expect, it } from 'vitest';
import type { DemoState } from '../../../../app/demo/demo-state.ts';
import { formatValue, headlessProgress, renderDemoView, replayLines, shortProfile } from '../../../../app/demo/demo-view.ts';
import type { ReplayLine } from '../../../../app/demo/demo-state.ts';

const base: DemoState = {
  nowMs: Date.parse('2026-11-29T06:30:15Z'),
  phase: 'live',
  liveSinceMs: Date.parse('2026-11-29T06:29:00Z'),
  sent: { readings: 1234, duplicates: 12, malformed: 14 },
  rows: { raw: 1238, calibrated: 1230 },
  calibratedPerSecond: 24,
  sentPerSecond: 23.96,
  latency: { p50Ms: 180.4, p99Ms: 12_345, samples: 900, windowMs: 60_000 },
  dlqByCode: { NOT_JSON: 3, MISSING_TS: 2 },
  rawSinkDlq: 4,
  sensors: [
    {
      sensorId: 'sensor-001',
      raw: { tsMs: 0, value: 21.873, unit: 'celsius' },
      calibrated: { tsMs: 0, rawValue: 21.873, value: 21.373, unit: 'celsius', status: 'ok', profile: 'sensor-001@2025-01-01#3f9a1c2e7b10' },
    },
    { sensorId: 'sensor-006', raw: { tsMs: 0, value: 10000, unit: 'ohm' } },
    {
      sensorId: 'sensor-012',
      raw: { tsMs: 0, value: 13.8, unit: 'celsius' },
      calibrated: { tsMs: 0, rawValue: 13.8, value: null, unit: 'celsius', status: 'out_of_range', profile: 'sensor-012@2025-01-01#0123456789ab' },
    },
  ],
  children: [{ name: 'raw sink', port: 41001, state: 'ready' }, { name: 'calibrator', port: 41003, state: 'not ready' }],
  logsDir: '.dev/logs',
};

describe('the demo view', () => {
  it('shows one line per sensor with raw value, calibrated value, unit, status and profile version', () => {
    const lines = renderDemoView(base);
    expect(lines).toContain('sensor      raw                  calibrated           status        profile version');
    expect(lines).toContain('sensor-001  21.873 celsius       21.373 celsius       ok            2025-01-01#3f9a1c2e7b10');
    expect(lines).toContain('sensor-012  13.800 celsius       —                    out_of_range  2025-01-01#0123456789ab');
  });

  it('shows dashes for a sensor that has a raw row but no calibrated row yet', () => {
    expect(renderDemoView(base)).toContain('sensor-006  10000.000 ohm        —                    —             —');
  });

  it('shows throughput, latency percentiles with what they measure, and the DLQ by code', () => {
    const text = renderDemoView(base).join('\n');
    expect(text).toContain('throughput  24.0 calibrated rows/s (readings sent: 24.0/s; last 5 s)');
    expect(text).toContain('p50 180 ms, p99 12.3 s  (reading ts → calibrated row committed; 900 live readings, last 60 s)');
    expect(text).toContain('DLQ         calibrator 5; raw sink 4\n            by code: MISSING_TS 2, NOT_JSON 3');
    expect(text).toContain('raw sink :41001 ready · calibrator :41003 not ready');
  });

  it('says how long it has been live and that Ctrl-C stops everything', () => {
    expect(renderDemoView(base)[0]).toBe('Kalibra demo — 06:30:15 UTC — live for 01:15 — Ctrl-C stops everything');
  });

  it('shows dashes, not zeros, for figures it does not have yet, and says what is going on instead of alarming', () => {
    const text = renderDemoView({
      ...base, phase: 'back-fill', liveSinceMs: undefined, calibratedPerSecond: undefined, sentPerSecond: undefined,
      latency: { p50Ms: undefined, p99Ms: undefined, samples: 0, windowMs: 60_000 }, dlqByCode: undefined, rawSinkDlq: undefined,
      backfill: { sent: 5200, expected: 14400, fromMs: Date.parse('2026-11-29T06:20:15Z') },
      children: [{ name: 'calibrator', port: 41003, state: 'busy' }],
    }).join('\n');
    expect(text).toContain('Kalibra demo — 06:30:15 UTC — back-filling readings since 06:20:15: 5200 of ~14400 sent — Ctrl-C');
    expect(text).toContain('throughput  — calibrated rows/s (readings sent: —/s; last 5 s)');
    expect(text).toContain('latency     no live readings yet');
    expect(text).not.toContain('p50 —');
    expect(text).toContain('DLQ         calibrator — (its /metrics has not answered yet; busy starting or back-filling); raw sink —');
    expect(text).toContain('calibrator :41003 busy');
  });

  it('keeps the last DLQ figures when /metrics is slow, and says they are a moment old', () => {
    expect(renderDemoView({ ...base, dlqStale: true })).toContain('DLQ         calibrator 5 (a moment ago: busy, /metrics slow to answer); raw sink 4');
  });

  it('prints "no live readings yet" in the headless progress line instead of dashes', () => {
    const state = { ...base, phase: 'back-fill' as const, latency: { p50Ms: undefined, p99Ms: undefined, samples: 0, windowMs: 60_000 }, backfill: { sent: 10, expected: 100, fromMs: 0 } };
    expect(headlessProgress(state)).toBe('back-fill: sent 1234 of ~100, rows raw 1238 calibrated 1230, no live readings yet');
    expect(headlessProgress(base)).toBe('live: sent 1234, rows raw 1238 calibrated 1230, p50 180 ms p99 12.3 s over 900 live readings');
  });

  it('puts DLQ codes four to a line so the view fits a 100-column terminal', () => {
    const dlqByCode = { A_CODE: 1, B_CODE: 2, C_CODE: 3, D_CODE: 4, E_CODE: 5 };
    const lines = renderDemoView({ ...base, dlqByCode });
    const at = lines.indexOf('DLQ         calibrator 15; raw sink 4');
    expect(lines.slice(at + 1, at + 3)).toEqual(['            by code: A_CODE 1, B_CODE 2, C_CODE 3, D_CODE 4', '                     E_CODE 5']);
    expect(Math.max(...renderDemoView(base).map((l) => l.length))).toBeLessThanOrEqual(130);
  });

  it('formats values with three decimals and shortens profile identities to version and hash', () => {
    expect(formatValue(1012.3456, 'hpa')).toBe('1012.346 hpa');
    expect(formatValue(null, 'celsius')).toBe('—');
    expect(shortProfile('sensor-005@2025-07-01#466bbddf00b7')).toBe('2025-07-01#466bbddf00b7');
    expect(shortProfile(null)).toBe('—');
  });
});

describe('the replay lines of the demo view', () => {
  const at = (t: string): number => Date.parse(`2026-11-29T${t}Z`);
  const replay: ReplayLine = {
    epoch: 3, requestedAtMs: at('06:25:00'), fromMs: at('06:15:00'), toMs: at('06:25:00'), sensors: ['sensor-001'],
    progress: {
      done: false, appliedPartitions: 5, partitions: 6, total: 600n, remaining: 250n, recordsPerSecond: 100, etaSeconds: 2.5,
      byPartition: [
        { partition: 0, applied: true, total: 100n, remaining: 0n },
        { partition: 1, applied: true, total: 100n, remaining: 50n },
        { partition: 2, applied: false, total: 100n, remaining: 100n },
        { partition: 3, applied: true, total: 100n, remaining: 100n },
        { partition: 4, applied: true, total: 0n, remaining: 0n },
        { partition: 5, applied: true, total: 200n, remaining: 0n },
      ],
    },
    rows: { rewritten: 310, pending: 290, before: 120, byProfile: [{ profile: 'sensor-001@2025-01-01#aaaaaaaaaaaa', rows: 310 }] },
  };

  it('say how to start one, covering every row of this run, when none was requested', () => {
    expect(replayLines({ replayFromMs: at('06:10:00') }))
      .toEqual(['replay      none requested yet; to recalibrate every row of this run: bin/replay --from 2026-11-29T06:10:00.000Z']);
    expect(replayLines({ replayProblem: 'replay state unreadable (timeout)' })).toEqual(['replay      — replay state unreadable (timeout)']);
  });

  it('show its state, progress per partition, rows rewritten, the versions they carry, and the rows it leaves alone', () => {
    expect(replayLines({ replay, replayFromMs: at('06:10:00') })).toEqual([
      'replay      epoch 3 running: requested 06:25:00 for sensor-001, readings 06:15:00–06:25:00',
      '            [##################------------]  58%  350/600 records  100 rec/s  ETA 3s  (5/6 partitions picked it up)',
      '            partitions 0 100% · 1 50% · 2 waiting · 3 0% · 4 100% · 5 100%',
      '            rows rewritten 310, 290 still to rewrite; 120 older rows of this run keep their old profile (bin/replay --from 2026-11-29T06:10:00.000Z covers them)',
      '            now carry sensor-001@2025-01-01#aaaaaaaaaaaa 310',
    ]);
  });

  it('appear in the whole view, and say when the request waits for a calibrator and when it is done', () => {
    expect(renderDemoView({ ...base, replay })).toContain('replay      epoch 3 running: requested 06:25:00 for sensor-001, readings 06:15:00–06:25:00');
    const waiting = { ...replay, progress: { ...replay.progress!, appliedPartitions: 0 } };
    expect(replayLines({ replay: waiting })[0]).toContain('epoch 3 requested, waiting for the calibrator to pick it up');
    const done = { ...replay, sensors: null, progress: { ...replay.progress!, done: true, remaining: 0n }, rows: { ...replay.rows!, pending: 0, before: 0 } };
    const lines = replayLines({ replay: done });
    expect(lines[0]).toBe('replay      epoch 3 done: requested 06:25:00 for every sensor, readings 06:15:00–06:25:00');
    expect(lines[3]).toBe('            rows rewritten 310, 0 not rewritten');
  });

  it('list at most six profile versions, three to a line, the last saying how many more', () => {
    const byProfile = Array.from({ length: 8 }, (_, i) => ({ profile: `sensor-00${i + 1}@2025-01-01#00000000000${i}`, rows: 10 - i }));
    const lines = replayLines({ replay: { ...replay, rows: { ...replay.rows!, byProfile } } });
    expect(lines.slice(-2)).toEqual([
      '            now carry sensor-001@2025-01-01#000000000000 10, sensor-002@2025-01-01#000000000001 9, sensor-003@2025-01-01#000000000002 8',
      '                      sensor-004@2025-01-01#000000000003 7, sensor-005@2025-01-01#000000000004 6, +3 more versions',
    ]);
  });
});
