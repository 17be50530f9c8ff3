// `map`: a new key and value per record; timestamp and headers are kept. It never changes
// the record it was given: it forwards a new one.
import type { ProcessorContext, ProcessorSupplier } from '../../processor.ts';
import type { KeyValue } from '../../record.ts';

export type KeyValueMapper<K, V, KOut, VOut> = (key: K, value: V) => KeyValue<KOut, VOut>;

export function mapProcessor<K, V, KOut, VOut>(mapper: KeyValueMapper<K, V, KOut, VOut>): ProcessorSupplier<K, V, KOut, VOut> {
  return () => {
    let context: ProcessorContext<KOut, VOut>;
    return {
      init: (ctx) => (context = ctx),
      process: (record) => {
        const [key, value] = mapper(record.key, record.value);
        context.forward({ ...record, key, value });
      },
    };
  };
}
