// The public API of Kalibra's topology library (`kalibra`): build a topology with the DSL,
// extend it with your own Processors, and hand it to a runtime as a TaskFactory. Every
// export is named here on purpose; anything not listed is internal and may change.
// The operational plumbing (config, logging, metrics, health server, shutdown) is the
// separate entry `kalibra/ops` (core/ops/index.ts); the test driver is `kalibra/testing`.

// DSL
export { StreamsBuilder } from './core/dsl/streams-builder.ts';
export { Topology } from './core/dsl/topology.ts';
export type { BranchedKStream, KStream } from './core/dsl/kstream.ts';
export type { Consumed, Named, Produced } from './core/dsl/options.ts';
export type { Predicate } from './core/dsl/operations/filter.ts';
export type { KeyValueMapper } from './core/dsl/operations/map.ts';
export type { ValueMapper } from './core/dsl/operations/map-values.ts';
export type { FlatKeyValueMapper } from './core/dsl/operations/flat-map.ts';
export type { ForeachAction } from './core/dsl/operations/peek.ts';
export { formatTopologyDescription } from './core/dsl/topology-description.ts';
export type {
  NodeDescription,
  ProcessorDescription,
  SinkDescription,
  SourceDescription,
  SubtopologyDescription,
  TopologyDescription,
} from './core/dsl/topology-description.ts';

// Processor API
export type { Cancellable, Processor, ProcessorContext, ProcessorSupplier, Punctuator } from './core/processor.ts';
export type { Headers, KeyValue, RecordMetadata, StreamRecord, TopicNameExtractor } from './core/record.ts';

// Serdes
export type { Deserializer, Serde, Serializer } from './core/serdes/serde.ts';
export { stringSerde } from './core/serdes/string-serde.ts';
export { bytesSerde } from './core/serdes/bytes-serde.ts';
export { jsonSerde } from './core/serdes/json-serde.ts';
export { nullableSerde } from './core/serdes/nullable-serde.ts';
export { decodeUtf8, nullBytesError, nullValueError } from './core/serdes/serde.ts';

// Errors and the dead-letter contract
export { CoreError, CoreErrorCodes, KalibraError, isKalibraError } from './core/errors.ts';
export type { CoreErrorCode, KalibraErrorOptions } from './core/errors.ts';
export { ErrorDecisions, deadLetterOnError, decideOnError, failOnError } from './core/error-handler.ts';
export type { ErrorDecision, ErrorHandler } from './core/error-handler.ts';
export { DeadLetterHeaders, deadLetterRecord } from './core/dead-letter.ts';

// The contract a runtime drives
export type { OutputRecord, SourceRecord, Task, TaskFactory, TaskIO } from './core/task.ts';

// The runtime: run a TaskFactory against Kafka, exactly once by default
export { StreamsRuntime, RuntimeStates } from './core/runtime/streams-runtime.ts';
export type { RuntimeHealth, RuntimeState, StreamsRuntimeEvents } from './core/runtime/streams-runtime.ts';
export { ProcessingGuarantees } from './core/runtime/options.ts';
export type { KafkaConnection, ProcessingGuarantee, RuntimeLogger, StreamsRuntimeOptions } from './core/runtime/options.ts';
// The consumer seam (used by the Postgres sink): a consumer's stream, reopened at given offsets, and the record it yields
export { RecordSource, sourceDeserializers, toSourceRecord } from './core/runtime/record-source.ts';
export type { RuntimeMessage, SourceConsumer, SourceFetchOptions, SourceStart } from './core/runtime/record-source.ts';
// The consumer with the client fixes exactly-once needs (aborted transactions, require_stable, fencing), and how to read its errors
export { RuntimeConsumer } from './core/runtime/runtime-consumer.ts';
export type { RuntimeConsumerOptions } from './core/runtime/runtime-consumer.ts';
export { isKafkaError } from './core/runtime/kafka-errors.ts';
export type { Gate } from './core/gate.ts';
// Producer options every transactional producer needs with @platformatic/kafka 1.35 (used by the sink's DLQ publisher)
export { clientAddPartitionsToTxn, contiguousFetchResponses, freshProducerIdentity } from './core/client-workarounds.ts';
export type { RuntimeMetrics } from './core/metrics.ts';
export { noopMetrics } from './core/metrics.ts';

// Partitioning as Kafka's Java clients do it (murmur2), optionally on a part of the key
export { javaCompatiblePartitioner, javaPartition } from './core/partitioning.ts';

// Replay: the protocol a replay command drives (plan, request, watch) against running runtimes
export { ReplayError, ReplayErrorCodes } from './core/replay/errors.ts';
export type { ReplayErrorCode } from './core/replay/errors.ts';
export { planRecords, planReplay } from './core/replay/plan.ts';
export type { PartitionPlan, PlanOptions, ReplayPlan } from './core/replay/plan.ts';
export { startReplay } from './core/replay/start-replay.ts';
export type { StartedReplay, StartReplayOptions } from './core/replay/start-replay.ts';
export { readReplayState } from './core/replay/state-store.ts';
export type { StateLocation } from './core/replay/state-store.ts';
export type { ReplayRequest } from './core/replay/state.ts';
export { renderProgress, watchReplay } from './core/replay/progress.ts';
export type { PartitionProgress, ReplayProgress, WatchOptions } from './core/replay/progress.ts';
