// The option objects of the DSL and their one-time validation: a wrong option fails when
// the topology is built, naming the option, never later on a record.
import { CoreError } from '../errors.ts';
import type { Deserializer, Serializer } from '../serdes/serde.ts';

/** Every operation accepts a node name; describe() and `forward(record, childName)` use it. */
export interface Named {
  readonly name?: string;
}

/** How `builder.stream()` decodes a topic. Null keys or values: see serdes/serde.ts. */
export interface Consumed<K, V> extends Named {
  readonly keySerde: Deserializer<K>;
  readonly valueSerde: Deserializer<V>;
}

/** How `to()` encodes records. */
export interface Produced<K, V> extends Named {
  readonly keySerde: Serializer<K>;
  readonly valueSerde: Serializer<V>;
}

export function requireFunction(value: unknown, option: string): void {
  if (typeof value !== 'function') throw new CoreError('CONFIG_INVALID', `${option} must be a function`);
}

export function requireTopic(value: unknown, option: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CoreError('CONFIG_INVALID', `${option} must be a non-empty topic name`);
  }
}

export function requireSerdes(options: unknown, method: 'serialize' | 'deserialize', option: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new CoreError('CONFIG_INVALID', `${option} must be an object with keySerde and valueSerde`);
  }
  for (const field of ['keySerde', 'valueSerde'] as const) {
    const serde: unknown = (options as Record<string, unknown>)[field];
    if (typeof serde !== 'object' || serde === null || typeof (serde as Record<string, unknown>)[method] !== 'function') {
      throw new CoreError('CONFIG_INVALID', `${option}.${field} must be a serde with a ${method}() method`);
    }
  }
}
