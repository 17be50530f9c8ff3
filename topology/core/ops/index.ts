// Public entry of the operational plumbing (config, Kafka connection options, logging,
// metrics, ops HTTP server, shutdown): the package entry `kalibra/ops`, and the one list of
// these exports (topology/index.ts does not repeat them). Named exports only. It loads neither
// the Kafka client nor pg, so a command can parse its options and answer --help with it alone.
// The library's error base class, for code that defines its own errors without loading a client.
export { isKalibraError, KalibraError } from '../errors.ts';
export type { KalibraErrorOptions } from '../errors.ts';
export { ConfigError, OpsError, OpsErrorCodes } from './errors.ts';
export type { ConfigIssue, OpsErrorCode } from './errors.ts';

export { defineOptions, flagName, OptionTypes } from './config/option.ts';
export type { ConfigValues, OptionDeclaration, OptionDeclarations, OptionType, OptionValue } from './config/option.ts';
export { isSecret, REDACTED, Secret } from './config/secret.ts';
export { parseConfig } from './config/parse-config.ts';
export type { ParseConfigOptions, ParsedConfig } from './config/parse-config.ts';
export { parseDuration, parseValue } from './config/parse-value.ts';
export { renderHelp } from './config/help.ts';
export type { HelpOptions } from './config/help.ts';
export { DEFAULT_GROUP, describeOption, groupedFacts } from './config/describe-option.ts';
export type { OptionFacts } from './config/describe-option.ts';
export { loadConfigOrExit, USAGE_EXIT_CODE } from './config/command-line.ts';
export type { CommandLineOptions, LoadedConfig } from './config/command-line.ts';
export { databaseOptions } from './config/database-options.ts';
// Values a command declares options with, from modules that load no client: time specs
// (--from 2h, --start 2026-01-01) and the runtime's processing guarantees.
export { parseTimeSpec } from '../replay/time-spec.ts';
export { ProcessingGuarantees } from '../runtime/options.ts';
export type { ProcessingGuarantee } from '../runtime/options.ts';
export { processOptions, resolveInstanceId } from './config/process-options.ts';

export { KafkaSaslMechanisms, kafkaOptions } from './kafka/kafka-options.ts';
export type { KafkaSaslMechanism } from './kafka/kafka-options.ts';
export { kafkaConnectionOptions } from './kafka/connection-options.ts';
export { kafkaErrorReasons } from './kafka/error-reasons.ts';
export { brokerUnreachableMessage, checkBrokerReachable, isBrokerUnreachable, requireBrokerOrExit } from './kafka/broker-unreachable.ts';
export type { CheckBrokerOptions, RequireBrokerOptions } from './kafka/broker-unreachable.ts';
export type { ConnectionOptionsContext, KafkaConfig, KafkaConnectionOptions } from './kafka/connection-options.ts';

export { createLogger } from './log/logger.ts';
export type { LogFields, Logger, LoggerOptions } from './log/logger.ts';
export { LogLevels } from './log/log-level.ts';
export type { LogLevel } from './log/log-level.ts';
export { Redactor } from './log/redact.ts';

export { METRIC_PREFIX, MetricsRegistry } from './metrics/metrics-registry.ts';
export type { GaugeSpec, HistogramSpec, MetricSpec, MetricsRegistryOptions } from './metrics/metrics-registry.ts';
export { prometheusRuntimeMetrics } from './metrics/prometheus-runtime-metrics.ts';

export { Readiness } from './http/readiness.ts';
export type { ReadinessCheck, ReadinessReport, ReadinessResult } from './http/readiness.ts';
export { startOpsServer } from './http/ops-server.ts';
export type { OpsServer, OpsServerOptions } from './http/ops-server.ts';

export { ExitCodes, Shutdown } from './shutdown/shutdown.ts';
export type { CloseHook, ShutdownOptions } from './shutdown/shutdown.ts';

export { readyMetric, startProcessOps } from './process-ops.ts';
export type { ProcessOps, ProcessOpsOptions } from './process-ops.ts';
