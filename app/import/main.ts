// `bin/import`: loads history a user already has into the raw topic (docs/architecture.md#topics),
// from a Postgres query or a CSV/NDJSON file, judged by the rules live readings are judged by.
// Parses flags and environment, shows a progress bar on stderr, prints a summary on stdout.
import { extname } from 'node:path';
import { kafkaConnectionOptions, loadConfigOrExit } from '../../topology/core/ops/index.ts';
import { importCommandOptions as declarations } from './import-options.ts';
import type { ImportProgress, ImportSummary } from './run-import.ts';
import type { ImportSource } from './sources.ts';
import { zoneReader } from './zoned-time.ts';

const USAGE_ERROR = 2;

function usage(message: string): never {
  process.stderr.write(`bin/import: ${message} (see --help)\n`);
  process.exit(USAGE_ERROR);
}

/** `1,234,567 rows  52,310 rows/s  45%  ETA 0:42  (12 rejected)` */
export function progressLine(p: ImportProgress, now: number): string {
  const seconds = Math.max(0.001, (now - p.startedAt) / 1000);
  const rate = p.readThisRun / seconds;
  const parts = [`${p.read.toLocaleString('en-US')} rows`, `${Math.round(rate).toLocaleString('en-US')} rows/s`];
  if (p.total !== undefined && p.total > 0) {
    const fraction = Math.min(1, p.done / p.total);
    parts.push(`${Math.floor(fraction * 100)}%`);
    if (fraction > 0 && fraction < 1) {
      const left = Math.round((seconds / fraction) * (1 - fraction) * (p.readThisRun / Math.max(1, p.read)));
      parts.push(`ETA ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`);
    }
  }
  if (p.rejected > 0) parts.push(`(${p.rejected.toLocaleString('en-US')} rejected)`);
  return parts.join('  ');
}

function formatFromExtension(path: string): 'csv' | 'ndjson' | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : undefined;
}

/** The command, as bin/ runs it: reads process.argv and the environment, sets the exit code. */
export async function main(): Promise<void> {
  const { values, positionals } = loadConfigOrExit(declarations, {
    usage: "bin/import (--from-postgres <connection> --query '<select>' | --file <path.csv|path.ndjson>) [--ts-column ...] [--timezone <zone>] [--resume] [--dry-run]",
    summary: 'Loads readings you already have into the raw topic, keyed <sensor_id>|<epoch ms> and judged by the rules live readings are judged by: '
      + 'bad rows go to the rejects file with their row or line, counted by code. Idempotent (importing the same rows again changes nothing downstream) '
      + 'and resumable (--resume after Ctrl-C or a crash). Then recalibrate the history with bin/replay --from <oldest>.',
    epilog: "Example: bin/import --from-postgres postgres://me@db/plant --query 'select sensor_id, ts, value, unit from raw_temperatures order by ts' --timezone Europe/Berlin\n"
      + 'Exit: 0 imported (rejects are counted in the summary); 1 failed (resume with --resume); 2 bad arguments; 130 interrupted (resume with --resume).',
  });
  if (positionals.length > 0) usage(`unexpected argument '${positionals[0]}'`);
  if ((values.fromPostgres === undefined) === (values.file === undefined)) usage('give exactly one of --from-postgres or --file');
  if (values.fromPostgres !== undefined && values.query === undefined) usage('--from-postgres needs --query');
  if (values.file !== undefined && values.query !== undefined) usage('--query goes with --from-postgres, not --file');
  if (values.fromPostgres !== undefined && /^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(values.fromPostgres)) {
    usage('--from-postgres has a password in it, which would show in the process list: give it in PGPASSWORD or ~/.pgpass');
  }
  const zone = values.timezone === undefined ? undefined : zoneReader(values.timezone);
  if (values.timezone !== undefined && zone === undefined) usage(`--timezone '${values.timezone}' is not UTC, an offset like +01:00 or an IANA zone name`);

  const format = values.file === undefined ? undefined : values.format ?? formatFromExtension(values.file);
  if (values.file !== undefined && format === undefined) usage(`cannot tell the format of ${values.file} from its extension: give --format csv or --format ndjson`);

  // Loaded only now: --help and argument errors never load the Kafka client or pg.
  const { fileSource, postgresSource } = await import('./sources.ts');
  const { ImportResumeError, runImport } = await import('./run-import.ts');
  let source: ImportSource;
  if (values.file !== undefined) {
    source = fileSource(values.file, format!);
  } else {
    source = postgresSource(values.fromPostgres!, values.query!);
    if (values.resume && !/\border\s+by\b/i.test(values.query!)) {
      process.stderr.write('bin/import: warning: the query has no ORDER BY; --resume skips the first rows the query returns now, which are the same rows only if their order is stable\n');
    }
  }

  const controller = new AbortController();
  const interrupt = (): void => {
    if (!controller.signal.aborted) process.stderr.write('\nbin/import: stopping after the batch in flight (Ctrl-C again to quit at once; --resume continues)\n');
    else process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  const draw = (progress: ImportProgress, final = false): void => {
    const now = Date.now();
    if (!final && now - lastDraw < (tty ? 200 : 5_000)) return;
    lastDraw = now;
    process.stderr.write(tty ? `\r\u001b[2K${progressLine(progress, now)}${final ? '\n' : ''}` : `${progressLine(progress, now)}\n`);
  };
  let last: ImportProgress | undefined;

  const mapping = { sensor: values.sensorColumn, ts: values.tsColumn, value: values.valueColumn, unit: values.unitColumn };
  const rejectsPath = values.rejects ?? 'kalibra-import.rejects.ndjson';
  let summary: ImportSummary;
  try {
    summary = await runImport({
      source,
      reader: { mapping, zone, now: Date.now() },
      connection: values.importDryRun ? undefined : await kafkaConnectionOptions(values, { defaultClientId: 'kalibra-import' }),
      topic: values.topicRaw,
      rejectsPath,
      identity: { ...source.identity, ...mapping, timezone: values.timezone ?? '', topic: values.topicRaw },
      resume: values.resume,
      batchSize: values.batchSize,
      signal: controller.signal,
      onProgress: (progress) => { last = progress; draw(progress); },
    });
  } catch (error) {
    if (last !== undefined) draw(last, true);
    if (error instanceof ImportResumeError) usage(error.message);
    process.stderr.write(`bin/import: ${error instanceof Error ? error.message : String(error)}\n`
      + `bin/import: what was acknowledged is recorded; continue with the same command and --resume\n`);
    process.exitCode = 1;
    return;
  }
  if (last !== undefined) draw(last, true);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (summary.rejected > 0) process.stderr.write(`bin/import: ${summary.rejected} rows rejected (${Object.entries(summary.byCode).map(([c, n]) => `${c} ${n}`).join(', ')}), listed in ${summary.rejectsFile}\n`);
  if (!summary.complete) {
    process.stderr.write('bin/import: interrupted; continue with the same command and --resume\n');
    process.exitCode = 130;
  }
}
