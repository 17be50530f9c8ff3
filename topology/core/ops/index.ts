// Public entry of the operational plumbing (config, Kafka connection options, logging,
// metrics, ops HTTP server, shutdown). Named exports only; topology/index.ts re-exports these.
export { ConfigError, OpsError, OpsErrorCodes } from './errors.js';
export type { ConfigIssue, OpsErrorCode } from './errors.js';

export { defineOptions, flagName, OptionTypes } from './config/option.js';
export type { ConfigValues, OptionDeclaration, OptionDeclarations, OptionType, OptionValue } from './config/option.js';
export { isSecret, REDACTED, Secret } from './config/secret.js';
export { parseConfig } from './config/parse-config.js';
export type { ParseConfigOptions, ParsedConfig } from './config/parse-config.js';
export { parseDuration } from './config/parse-value.js';
export { renderHelp } from './config/help.js';
export type { HelpOptions } from './config/help.js';
export { REFERENCE_END, REFERENCE_START, renderConfigReference, spliceReference } from './config/reference.js';
export type { ReferenceOptions } from './config/reference.js';
export { loadConfigOrExit, USAGE_EXIT_CODE } from './config/command-line.js';
export type { CommandLineOptions, LoadedConfig } from './config/command-line.js';
export { databaseOptions } from './config/database-options.js';
export { processOptions, resolveInstanceId } from './config/process-options.js';

export { KafkaSaslMechanisms, kafkaOptions } from './kafka/kafka-options.js';
export type { KafkaSaslMechanism } from './kafka/kafka-options.js';
export { kafkaConnectionOptions } from './kafka/connection-options.js';
export type { ConnectionOptionsContext, KafkaConfig, KafkaConnectionOptions } from './kafka/connection-options.js';

export { createLogger } from './log/logger.js';
export type { LogFields, Logger, LoggerOptions } from './log/logger.js';
export { LogLevels } from './log/log-level.js';
export type { LogLevel } from './log/log-level.js';
export { Redactor } from './log/redact.js';

export { METRIC_PREFIX, MetricsRegistry } from './metrics/metrics-registry.js';
export type { HistogramSpec, MetricSpec, MetricsRegistryOptions } from './metrics/metrics-registry.js';
export { prometheusRuntimeMetrics } from './metrics/prometheus-runtime-metrics.js';

export { Readiness } from './http/readiness.js';
export type { ReadinessCheck, ReadinessReport } from './http/readiness.js';
export { startOpsServer } from './http/ops-server.js';
export type { OpsServer, OpsServerOptions } from './http/ops-server.js';

export { ExitCodes, Shutdown } from './shutdown/shutdown.js';
export type { CloseHook, ShutdownOptions } from './shutdown/shutdown.js';

export { startProcessOps } from './process-ops.js';
export type { ProcessOps, ProcessOpsOptions } from './process-ops.js';
