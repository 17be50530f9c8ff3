import { describe, expect, it } from 'vitest';
import { demoFleet, fleet } from '../../../../app/simulate/sensor-models.ts';

const model = (id: string) => demoFleet.find((m) => m.id === id)!;
const at = Date.parse('2026-11-29T12:00:00Z');

describe('the demo fleet physics', () => {
  it('gives a Pt100 the IEC 60751 resistances (100.00 Ω at 0 °C, 138.51 Ω at 100 °C, 18.52 Ω at −200 °C)', () => {
    const rtd = model('sensor-007');
    expect(rtd.raw(0, at)).toBeCloseTo(100.0, 2);
    expect(rtd.raw(100, at)).toBeCloseTo(138.51, 2);
    expect(rtd.raw(-200, at)).toBeCloseTo(18.52, 2);
  });

  it('gives the 10K3 thermistor about 10 kΩ at 25 °C and 32.65 kΩ at 0 °C', () => {
    const ntc = model('sensor-006');
    expect(ntc.raw(25, at) / 1000).toBeCloseTo(10.0, 1);
    expect(ntc.raw(0, at) / 1000).toBeCloseTo(32.65, 1);
  });

  it('lets the attic sensor drift: the same temperature reads higher as time passes', () => {
    const attic = model('sensor-005');
    const readings = ['2025-03-01', '2025-09-01', '2026-03-01', '2026-09-01'].map((d) => attic.raw(20, Date.parse(d)));
    expect(readings).toEqual([...readings].sort((a, b) => a - b));
    expect(new Set(readings).size).toBe(4);
  });

  it('passes the unprofiled sensor-008 value through and extends the fleet with plain thermometers', () => {
    expect(model('sensor-008').raw(21.5, at)).toBe(21.5);
    const big = fleet(15);
    expect(big.map((m) => m.id).slice(11)).toEqual(['sensor-012', 'sensor-013', 'sensor-014', 'sensor-015']);
    expect(Math.abs(big[14]!.raw(20, at) - 20)).toBeLessThanOrEqual(0.5);
  });
});
