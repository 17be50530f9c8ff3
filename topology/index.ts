// The public API of Kalibra's topology library (`kalibra`): build a topology with the DSL,
// extend it with your own Processors, and hand it to a runtime as a TaskFactory. Every
// export is named here on purpose; anything not listed is internal and may change.

// DSL
export { StreamsBuilder } from './core/dsl/streams-builder.ts';
export { Topology } from './core/dsl/topology.ts';
export type { BranchedKStream, KStream } from './core/dsl/kstream.ts';
export type { Consumed, Named, Produced, TopicNameExtractor } from './core/dsl/options.ts';
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
export type { Headers, KeyValue, RecordMetadata, StreamRecord } from './core/record.ts';

// Serdes
export type { Deserializer, Serde, Serializer } from './core/serdes/serde.ts';
export { stringSerde } from './core/serdes/string-serde.ts';
export { bytesSerde } from './core/serdes/bytes-serde.ts';
export { jsonSerde } from './core/serdes/json-serde.ts';
export { nullableSerde } from './core/serdes/nullable-serde.ts';

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
export type { RuntimeState, StreamsRuntimeEvents } from './core/runtime/streams-runtime.ts';
export { ProcessingGuarantees } from './core/runtime/options.ts';
export type { KafkaConnection, ProcessingGuarantee, RuntimeLogger, StreamsRuntimeOptions } from './core/runtime/options.ts';
// The consumer seam (used by the Postgres sink): a consumer's stream, reopened at given offsets, and the record it yields
export { RecordSource, sourceDeserializers, toSourceRecord } from './core/runtime/record-source.ts';
export type { RuntimeMessage, SourceConsumer, SourceFetchOptions, SourceStart } from './core/runtime/record-source.ts';
export type { Gate } from './core/gate.ts';
export type { RuntimeMetrics } from './core/metrics.ts';
export { noopMetrics } from './core/metrics.ts';

// Operations: config, Kafka connection options, logging, metrics, health server, shutdown
export { ConfigError, OpsError, OpsErrorCodes } from './core/ops/errors.ts';
export type { ConfigIssue, OpsErrorCode } from './core/ops/errors.ts';
export { defineOptions, flagName, OptionTypes } from './core/ops/config/option.ts';
export type { ConfigValues, OptionDeclaration, OptionDeclarations, OptionType, OptionValue } from './core/ops/config/option.ts';
export { isSecret, REDACTED, Secret } from './core/ops/config/secret.ts';
export { parseConfig } from './core/ops/config/parse-config.ts';
export type { ParseConfigOptions, ParsedConfig } from './core/ops/config/parse-config.ts';
export { parseDuration } from './core/ops/config/parse-value.ts';
export { renderHelp } from './core/ops/config/help.ts';
export type { HelpOptions } from './core/ops/config/help.ts';
export { REFERENCE_END, REFERENCE_START, renderConfigReference, spliceReference } from './core/ops/config/reference.ts';
export type { ReferenceOptions } from './core/ops/config/reference.ts';
export { loadConfigOrExit, USAGE_EXIT_CODE } from './core/ops/config/command-line.ts';
export type { CommandLineOptions, LoadedConfig } from './core/ops/config/command-line.ts';
export { databaseOptions } from './core/ops/config/database-options.ts';
export { processOptions, resolveInstanceId } from './core/ops/config/process-options.ts';
export { KafkaSaslMechanisms, kafkaOptions } from './core/ops/kafka/kafka-options.ts';
export type { KafkaSaslMechanism } from './core/ops/kafka/kafka-options.ts';
export { kafkaConnectionOptions } from './core/ops/kafka/connection-options.ts';
export type { ConnectionOptionsContext, KafkaConfig, KafkaConnectionOptions } from './core/ops/kafka/connection-options.ts';
export { createLogger } from './core/ops/log/logger.ts';
export type { LogFields, Logger, LoggerOptions } from './core/ops/log/logger.ts';
export { LogLevels } from './core/ops/log/log-level.ts';
export type { LogLevel } from './core/ops/log/log-level.ts';
export { Redactor } from './core/ops/log/redact.ts';
export { METRIC_PREFIX, MetricsRegistry } from './core/ops/metrics/metrics-registry.ts';
export type { HistogramSpec, MetricSpec, MetricsRegistryOptions } from './core/ops/metrics/metrics-registry.ts';
export { prometheusRuntimeMetrics } from './core/ops/metrics/prometheus-runtime-metrics.ts';
export { Readiness } from './core/ops/http/readiness.ts';
export type { ReadinessCheck, ReadinessReport } from './core/ops/http/readiness.ts';
export { startOpsServer } from './core/ops/http/ops-server.ts';
export type { OpsServer, OpsServerOptions } from './core/ops/http/ops-server.ts';
export { ExitCodes, Shutdown } from './core/ops/shutdown/shutdown.ts';
export type { CloseHook, ShutdownOptions } from './core/ops/shutdown/shutdown.ts';
export { startProcessOps } from './core/ops/process-ops.ts';
export type { ProcessOps, ProcessOpsOptions } from './core/ops/process-ops.ts';
