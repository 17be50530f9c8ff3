// What bin/demo prints after Ctrl-C: the next thing to try, a recalibration by replay, and how
// to undo it afterwards (the tour edits a file of the checkout).

export function recalibrationHint(backfill: string): string[] {
  const from = backfill === 'none' ? '10m' : backfill;
  return [
    'Stopped cleanly. Next, try a recalibration:',
    '  1. change a profile, e.g. the offset in calibration-profiles/sensor-001.yaml, and check it:',
    '       bin/profiles check',
    '  2. start the demo again (npm run demo) and, in a second terminal, recalibrate history:',
    `       bin/replay --from ${from} --sensor sensor-001 --dry-run    # what would be re-read, per partition`,
    `       bin/replay --from ${from} --sensor sensor-001              # the running calibrator re-reads, the sink overwrites`,
    '     The sensor lines show each sensor\'s newest reading, already on the new profile since you saved the file;',
    '     the replay lines at the bottom of the view show the replay: its progress per partition, the rows it',
    '     rewrote, and the profile version they now carry. A replay from a later time than the back-fill leaves',
    '     the older rows on the old profile; the view prints the --from that covers the whole run.',
    '  3. undo it afterwards: git checkout calibration-profiles/sensor-001.yaml, and replay again the same way',
    '     (with the demo running) so the rows carry the original profile again.',
  ];
}
