// `peek`: calls an action per record (logging, metrics) and forwards it unchanged. The
// action must not change the record; a throw dead-letters the source record like any other.
import type { ProcessorContext, ProcessorSupplier } from '../../processor.ts';

export type ForeachAction<K, V> = (key: K, value: V) => void;

export function peekProcessor<K, V>(action: ForeachAction<K, V>): ProcessorSupplier<K, V, K, V> {
  return () => {
    let context: ProcessorContext<K, V>;
    return {
      init: (ctx) => (context = ctx),
      process: (record) => {
        action(record.key, record.value);
        context.forward(record);
      },
    };
  };
}
