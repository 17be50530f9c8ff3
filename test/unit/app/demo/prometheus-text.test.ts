import { describe, expect, it } from 'vitest';
import { sumAll, sumByLabel } from '../../../../app/demo/prometheus-text.ts';

const text = `# HELP kalibra_dlq_records_total Records sent to the dead-letter topic, by error code.
# TYPE kalibra_dlq_records_total counter
kalibra_dlq_records_total{code="NOT_JSON"} 3
kalibra_dlq_records_total{code="MISSING_TS"} 2
kalibra_dlq_records_total_other{code="NOT_JSON"} 100
kalibra_sink_dead_lettered_total{code="NOT_JSON",partition="0"} 1
kalibra_sink_dead_lettered_total{partition="1",code="NOT_JSON"} 2
kalibra_up 1
`;

describe('reading counters from /metrics', () => {
  it('sums one metric by a label and ignores metrics that only share its prefix', () => {
    expect(sumByLabel(text, 'kalibra_dlq_records_total', 'code')).toEqual({ NOT_JSON: 3, MISSING_TS: 2 });
  });

  it('finds the label wherever it is in the label set, and sums unlabelled samples', () => {
    expect(sumByLabel(text, 'kalibra_sink_dead_lettered_total', 'code')).toEqual({ NOT_JSON: 3 });
    expect(sumAll(text, 'kalibra_up')).toBe(1);
    expect(sumAll(text, 'kalibra_missing_total')).toBe(0);
  });
});
