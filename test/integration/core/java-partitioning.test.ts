import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { javaCompatiblePartitioner, javaPartition } from '../../../topology/core/partitioning.ts';
import { sensorPart } from '../../../contract/reading-key.ts';
import { kafkaLibs } from '../../helpers/stack.ts';

const run = promisify(execFile);

// The verifier is Kafka's own Java client (from the jars bin/dev-stack fetched), not our code.
async function javaPartitions(partitions: number, keys: string[]): Promise<Map<string, number>> {
  const source = join(import.meta.dirname, 'fixtures', 'JavaPartition.java');
  const { stdout } = await run('java', ['-cp', `${kafkaLibs()}/*`, source, String(partitions), ...keys], { timeout: 60_000 });
  return new Map(stdout.trim().split('\n').map((line) => {
    const [key, partition] = line.split('\t');
    return [key!, Number(partition)];
  }));
}

describe('Java-compatible partitioning', () => {
  const keys = [...Array.from({ length: 40 }, (_, i) => `sensor-${String(i).padStart(3, '0')}`), 'ä-unicode-sensor', 'x', 'a much longer sensor name with spaces'];

  it('puts every key on the partition the Java client chooses', async () => {
    for (const partitions of [3, 6, 7]) {
      const java = await javaPartitions(partitions, keys);
      for (const key of keys) expect(javaPartition(Buffer.from(key), partitions), `${key} of ${partitions}`).toBe(java.get(key));
    }
  });

  it('partitions a reading key by its sensor part, like a Java producer keyed by sensor id', async () => {
    const java = await javaPartitions(6, keys);
    const partitioner = javaCompatiblePartitioner(sensorPart);
    for (const key of keys) {
      const hashed = partitioner(undefined, Buffer.from(`${key}|1764403200000`));
      expect(hashed % 6, key).toBe(java.get(key));
    }
  });
});
