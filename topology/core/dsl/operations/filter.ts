// `filter`: forwards the records the predicate accepts, drops the rest. Never changes a record.
import type { ProcessorContext, ProcessorSupplier } from '../../processor.ts';

export type Predicate<K, V> = (key: K, value: V) => boolean;

export function filterProcessor<K, V>(predicate: Predicate<K, V>): ProcessorSupplier<K, V, K, V> {
  return () => {
    let context: ProcessorContext<K, V>;
    return {
      init: (ctx) => (context = ctx),
      process: (record) => {
        if (predicate(record.key, record.value)) context.forward(record);
      },
    };
  };
}
