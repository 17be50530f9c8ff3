// `mapValues`: a new value per record; the key, timestamp and headers are kept. Prefer it to
// `map` when the key stays: it must never touch the key, so partitioning stays valid.
import type { ProcessorContext, ProcessorSupplier } from '../../processor.ts';

export type ValueMapper<K, V, VOut> = (value: V, key: K) => VOut;

export function mapValuesProcessor<K, V, VOut>(mapper: ValueMapper<K, V, VOut>): ProcessorSupplier<K, V, K, VOut> {
  return () => {
    let context: ProcessorContext<K, VOut>;
    return {
      init: (ctx) => (context = ctx),
      process: (record) => {
        context.forward({ ...record, value: mapper(record.value, record.key) });
      },
    };
  };
}
