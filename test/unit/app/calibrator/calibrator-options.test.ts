// The calibrator's options: a guarantee it cannot run with is refused when options are read,
// with the variable named, instead of a crash at every start.
import { describe, expect, it } from 'vitest';
import { calibratorCommandOptions } from '../../../../app/calibrator/calibrator-options.ts';
import { parseConfig } from '../../../../topology/core/ops/config/parse-config.ts';

describe('calibrator options', () => {
  it('refuses KALIBRA_PROCESSING_GUARANTEE=at_least_once, naming the variable, because replays need transactions', () => {
    expect(() => parseConfig(calibratorCommandOptions, { env: { KALIBRA_PROCESSING_GUARANTEE: 'at_least_once' }, argv: [] }))
      .toThrow(/KALIBRA_PROCESSING_GUARANTEE/);
  });

  it('takes exactly_once, the default', () => {
    const parsed = parseConfig(calibratorCommandOptions, { env: { KALIBRA_PROCESSING_GUARANTEE: 'exactly_once' }, argv: [] });
    expect(parsed.help === false && parsed.values.processingGuarantee).toBe('exactly_once');
  });
});
