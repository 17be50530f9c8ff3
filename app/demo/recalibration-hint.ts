// What bin/demo prints after Ctrl-C: the next thing to try, a recalibration by replay.

export function recalibrationHint(backfill: string): string[] {
  const from = backfill === 'none' ? '10m' : backfill;
  return [
    'Stopped cleanly. Next, try a recalibration:',
    '  1. change a profile, e.g. the offset in calibration-profiles/sensor-001.yaml, and check it:',
    '       bin/profiles check',
    '  2. start the demo again (npm run demo) and, in a second terminal, recalibrate history:',
    `       bin/replay --from ${from} --dry-run    # what would be re-read, per partition`,
    `       bin/replay --from ${from}              # the running calibrator re-reads and the sink overwrites`,
    '     sensor-001\'s calibrated values change in the view as the replay passes.',
  ];
}
