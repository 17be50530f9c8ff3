// The public API of Kalibra's topology library (`kalibra`): build a topology with the DSL,
// extend it with your own Processors, and hand it to a runtime as a TaskFactory. Every
// export is named here on purpose; anything not listed is internal and may change.

// DSL
export { StreamsBuilder } from './core/dsl/streams-builder.js';
export { Topology } from './core/dsl/topology.js';
export type { BranchedKStream, KStream } from './core/dsl/kstream.js';
export type { Consumed, Named, Produced, TopicNameExtractor } from './core/dsl/options.js';
export type { Predicate } from './core/dsl/operations/filter.js';
export type { KeyValueMapper } from './core/dsl/operations/map.js';
export type { ValueMapper } from './core/dsl/operations/map-values.js';
export type { FlatKeyValueMapper } from './core/dsl/operations/flat-map.js';
export type { ForeachAction } from './core/dsl/operations/peek.js';
export { formatTopologyDescription } from './core/dsl/topology-description.js';
export type {
  NodeDescription,
  ProcessorDescription,
  SinkDescription,
  SourceDescription,
  SubtopologyDescription,
  TopologyDescription,
} from './core/dsl/topology-description.js';

// Processor API
export type { Cancellable, Processor, ProcessorContext, ProcessorSupplier, Punctuator } from './core/processor.js';
export type { Headers, KeyValue, RecordMetadata, StreamRecord } from './core/record.js';

// Serdes
export type { Deserializer, Serde, Serializer } from './core/serdes/serde.js';
export { stringSerde } from './core/serdes/string-serde.js';
export { bytesSerde } from './core/serdes/bytes-serde.js';
export { jsonSerde } from './core/serdes/json-serde.js';
export { nullableSerde } from './core/serdes/nullable-serde.js';

// Errors and the dead-letter contract
export { CoreError, CoreErrorCodes, KalibraError, isKalibraError } from './core/errors.js';
export type { CoreErrorCode, KalibraErrorOptions } from './core/errors.js';
export { ErrorDecisions, deadLetterOnError, decideOnError, failOnError } from './core/error-handler.js';
export type { ErrorDecision, ErrorHandler } from './core/error-handler.js';
export { DeadLetterHeaders, deadLetterRecord } from './core/dead-letter.js';

// The contract a runtime drives
export type { OutputRecord, SourceRecord, Task, TaskFactory, TaskIO } from './core/task.js';
