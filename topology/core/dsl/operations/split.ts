// `split`: sends each record to the first branch whose predicate accepts it, else to the
// default branch if there is one, else drops it. Each branch is a named child, so this is
// also the model for a processor that forwards by child name.
import type { ProcessorContext, ProcessorSupplier } from '../../processor.ts';
import type { Predicate } from './filter.ts';

export interface Branch<K, V> {
  readonly predicate: Predicate<K, V>;
  readonly childName: string;
}

/** `branches` and `defaultChild` are read when the task starts, after the DSL finished them. */
export function splitProcessor<K, V>(branches: readonly Branch<K, V>[], defaultChild: () => string | undefined): ProcessorSupplier<K, V, K, V> {
  return () => {
    let context: ProcessorContext<K, V>;
    const fallback = defaultChild();
    return {
      init: (ctx) => (context = ctx),
      process: (record) => {
        const branch = branches.find((candidate) => candidate.predicate(record.key, record.value));
        const child = branch?.childName ?? fallback;
        if (child !== undefined) context.forward(record, child);
      },
    };
  };
}
