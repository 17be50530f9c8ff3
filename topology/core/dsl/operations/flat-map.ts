// `flatMap`: zero or more key-value pairs per record, forwarded in order; each keeps the
// source record's timestamp and headers. It never buffers: each pair is forwarded as the
// mapper yields it.
import type { ProcessorContext, ProcessorSupplier } from '../../processor.ts';
import type { KeyValue } from '../../record.ts';

export type FlatKeyValueMapper<K, V, KOut, VOut> = (key: K, value: V) => Iterable<KeyValue<KOut, VOut>>;

export function flatMapProcessor<K, V, KOut, VOut>(mapper: FlatKeyValueMapper<K, V, KOut, VOut>): ProcessorSupplier<K, V, KOut, VOut> {
  return () => {
    let context: ProcessorContext<KOut, VOut>;
    return {
      init: (ctx) => (context = ctx),
      process: (record) => {
        for (const [key, value] of mapper(record.key, record.value)) context.forward({ ...record, key, value });
      },
    };
  };
}
