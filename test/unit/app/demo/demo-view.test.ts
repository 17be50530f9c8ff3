import { describe, expect, it } from 'vitest';
import type { DemoState } from '../../../../app/demo/demo-state.ts';
import { formatValue, renderDemoView, shortProfile } from '../../../../app/demo/demo-view.ts';

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

  it('shows dashes, not zeros, for figures it does not have yet', () => {
    const text = renderDemoView({
      ...base, phase: 'back-fill', liveSinceMs: undefined, calibratedPerSecond: undefined, sentPerSecond: undefined,
      latency: { p50Ms: undefined, p99Ms: undefined, samples: 0, windowMs: 60_000 }, dlqByCode: undefined, rawSinkDlq: undefined,
    }).join('\n');
    expect(text).toContain('— Ctrl-C');
    expect(text).toContain('throughput  — calibrated rows/s (readings sent: —/s; last 5 s)');
    expect(text).toContain('p50 —, p99 —');
    expect(text).toContain('calibrator /metrics not answering; raw sink —');
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
