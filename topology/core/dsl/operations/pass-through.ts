// A node that forwards every record unchanged: the head of each `split` branch, so a
// branch has a name of its own in describe() and for `forward(record, childName)`. It must
// never change, drop or reorder a record.
import type { ProcessorContext, ProcessorSupplier } from '../../processor.ts';

export function passThroughProcessor<K, V>(): ProcessorSupplier<K, V, K, V> {
  return () => {
    let context: ProcessorContext<K, V>;
    return {
      init: (ctx) => (context = ctx),
      process: (record) => context.forward(record),
    };
  };
}
