// The reading key of ARCHITECTURE.md: `<sensor_id>|<ts as epoch ms>`, unique per reading.
// Partitioning hashes the sensor part only, so one sensor's readings stay in order on one
// partition. A sensor id may itself contain `|`; the last one separates the timestamp.

export function readingKey(sensorId: string, tsMs: number): string {
  return `${sensorId}|${tsMs}`;
}

/** The sensor part of a reading key (the whole key when it has no `|`). */
export function sensorPart(key: Buffer): Buffer {
  const bar = key.lastIndexOf(0x7c);
  return bar > 0 ? key.subarray(0, bar) : key;
}
