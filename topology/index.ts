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

// Operations: config, Kafka connection options, logging, metrics, health server, shutdown
export { ConfigError, OpsError, OpsErrorCodes } from './core/ops/errors.js';
export type { ConfigIssue, OpsErrorCode } from './core/ops/errors.js';
export { defineOptions, flagName, OptionTypes } from './core/ops/config/option.js';
export type { ConfigValues, OptionDeclaration, OptionDeclarations, OptionType, OptionValue } from './core/ops/config/option.js';
export { isSecret, REDACTED, Secret } from './core/ops/config/secret.js';
export { parseConfig } from './core/ops/config/parse-config.js';
export type { ParseConfigOptions, ParsedConfig } from './core/ops/config/parse-config.js';
export { parseDuration } from './core/ops/config/parse-value.js';
export { renderHelp } from './core/ops/config/help.js';
export type { HelpOptions } from './core/ops/config/help.js';
export { REFERENCE_END, REFERENCE_START, renderConfigReference, spliceReference } from './core/ops/config/reference.js';
export type { ReferenceOptions } from './core/ops/config/reference.js';
export { loadConfigOrExit, USAGE_EXIT_CODE } from './core/ops/config/command-line.js';
export type { CommandLineOptions, LoadedConfig } from './core/ops/config/command-line.js';
export { databaseOptions } from './core/ops/config/database-options.js';
export { processOptions, resolveInstanceId } from './core/ops/config/process-options.js';
export { KafkaSaslMechanisms, kafkaOptions } from './core/ops/kafka/kafka-options.js';
export type { KafkaSaslMechanism } from './core/ops/kafka/kafka-options.js';
export { kafkaConnectionOptions } from './core/ops/kafka/connection-options.js';
export type { ConnectionOptionsContext, KafkaConfig, KafkaConnectionOptions } from './core/ops/kafka/connection-options.js';
export { createLogger } from './core/ops/log/logger.js';
export type { LogFields, Logger, LoggerOptions } from './core/ops/log/logger.js';
export { LogLevels } from './core/ops/log/log-level.js';
export type { LogLevel } from './core/ops/log/log-level.js';
export { Redactor } from './core/ops/log/redact.js';
export { METRIC_PREFIX, MetricsRegistry } from './core/ops/metrics/metrics-registry.js';
export type { HistogramSpec, MetricSpec, MetricsRegistryOptions } from './core/ops/metrics/metrics-registry.js';
export { prometheusRuntimeMetrics } from './core/ops/metrics/prometheus-runtime-metrics.js';
export { Readiness } from './core/ops/http/readiness.js';
export type { ReadinessCheck, ReadinessReport } from './core/ops/http/readiness.js';
export { startOpsServer } from './core/ops/http/ops-server.js';
export type { OpsServer, OpsServerOptions } from './core/ops/http/ops-server.js';
export { ExitCodes, Shutdown } from './core/ops/shutdown/shutdown.js';
export type { CloseHook, ShutdownOptions } from './core/ops/shutdown/shutdown.js';
export { startProcessOps } from './core/ops/process-ops.js';
export type { ProcessOps, ProcessOpsOptions } from './core/ops/process-ops.js';
