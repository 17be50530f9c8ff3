// Partitioning that matches Kafka's Java client: toPositive(murmur2(bytes)) % partitions.
// @platformatic/kafka's default partitioner uses `>>> 0` instead of `& 0x7fffffff`, which
// sends some keys to other partitions than a Java producer would; anything that must agree
// with Java producers (or Kafka Streams) uses these. The partition count is applied by the
// producer (it reduces the returned number modulo the topic's partition count).
import { murmur2 } from '@platformatic/kafka';

const POSITIVE = 0x7fffffff;

/** The Java client's partition for `bytes` among `partitions`. */
export function javaPartition(bytes: Buffer, partitions: number): number {
  return (murmur2(bytes, false) & POSITIVE) % partitions;
}

/**
 * A producer partitioner hashing the part of the key that `keyPart` picks (the whole key by
 * default), Java-compatible. Records without a key go to partition 0.
 */
export function javaCompatiblePartitioner(keyPart: (key: Buffer) => Buffer = (key) => key) {
  return (_message: unknown, key: Buffer | undefined): number =>
    (Buffer.isBuffer(key) ? murmur2(keyPart(key), false) & POSITIVE : 0);
}
