// The fault run's summary: what was done (readings, faults), the verdict of every check, the
// exits nobody asked for, and the recovery times per fault kind (median, max), as Markdown for
// stdout and for a file a CI run keeps. Pure: values in, text out.
import type { Check } from './verdict.ts';

export const FaultKinds = ['raw sink SIGKILL', 'calibrator SIGKILL', 'calibrated sink SIGKILL', 'broker SIGKILL + restart', 'Postgres stop'] as const;
export type FaultKind = (typeof FaultKinds)[number];

export interface Recovery {
  kind: FaultKind;
  /** The fault itself: the kill, or the time the broker or Postgres was away. */
  outageMs: number;
  /** From the end of the fault (kill, broker back, Postgres back) until every affected process was ready and progressing. */
  recoveryMs: number;
}

export interface RunFacts {
  startedAt: string;
  durationMs: number;
  load: string;
  seed: number;
  rawRecords: number;
  valid: number;
  malformed: number;
  simulatorRuns: number;
  recoveries: Recovery[];
  checks: Check[];
  unplannedExits: { process: string; life: number; code: number | null; signal: string | null }[];
  cleanStops: Record<string, number | null | 'late'>;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);

export function totals(checks: readonly Check[]): { lost: number; duplicated: number; unexpected: number } {
  return checks.reduce((sum, c) => ({ lost: sum.lost + c.lost, duplicated: sum.duplicated + c.duplicated, unexpected: sum.unexpected + c.unexpected }),
    { lost: 0, duplicated: 0, unexpected: 0 });
}

export function renderSummary(f: RunFacts): string {
  const sum = totals(f.checks);
  const kills = f.recoveries.filter((r) => r.kind.endsWith('SIGKILL')).length;
  const lines = [
    '# Fault suite summary',
    '',
    `Run ${f.startedAt}, ${seconds(f.durationMs)}, load average at the end ${f.load}; bin/simulate seed ${f.seed} (${f.simulatorRuns} run${f.simulatorRuns === 1 ? '' : 's'}).`,
    '',
    `**${sum.lost} lost, ${sum.duplicated} duplicated, ${sum.unexpected} unexpected, ${f.unplannedExits.length} manual restarts.**`,
    '',
    `${f.rawRecords} raw records: ${f.valid} valid readings, ${f.malformed} malformed. ${kills} process SIGKILLs, `
      + `${f.recoveries.filter((r) => r.kind === 'broker SIGKILL + restart').length} broker SIGKILL + restart, `
      + `${f.recoveries.filter((r) => r.kind === 'Postgres stop').length} Postgres stop.`,
    '',
    '## Checks (Kafka\'s console consumer read_committed, SQL)',
    '',
    '| place | expected | exactly once | lost | duplicated | unexpected |',
    '|---|---:|---:|---:|---:|---:|',
    ...f.checks.map((c) => `| ${c.place} | ${c.expected} | ${c.exactlyOnce} | ${c.lost} | ${c.duplicated} | ${c.unexpected} |`),
    '',
    '## Recovery per fault kind',
    '',
    'Recovery: from the SIGKILL (the process is restarted at once, as a supervisor would), or from the moment the broker or '
      + 'Postgres is back, until every affected process answers /readyz 200 and has moved its committed offsets on (or has nothing left to do).',
    '',
    '| fault | count | outage median | outage max | recovery median | recovery max |',
    '|---|---:|---:|---:|---:|---:|',
    ...FaultKinds.map((kind) => {
      const of = f.recoveries.filter((r) => r.kind === kind);
      const outages = of.map((r) => r.outageMs);
      const recoveries = of.map((r) => r.recoveryMs);
      return `| ${kind} | ${of.length} | ${seconds(median(outages))} | ${seconds(outages.length ? Math.max(...outages) : undefined)} `
        + `| ${seconds(median(recoveries))} | ${seconds(recoveries.length ? Math.max(...recoveries) : undefined)} |`;
    }),
    '',
    '## Processes',
    '',
    `Manual restarts (an exit the suite did not cause): ${f.unplannedExits.length === 0 ? 'none'
      : f.unplannedExits.map((e) => `${e.process} life ${e.life} (code ${e.code}, signal ${e.signal})`).join('; ')}.`,
    `Exit codes on SIGTERM at the end: ${Object.entries(f.cleanStops).map(([name, code]) => `${name} ${code}`).join(', ')}.`,
    '',
  ];
  const failing = f.checks.filter((c) => c.examples.length > 0);
  if (failing.length > 0) {
    lines.push('## Examples of failures', '', ...failing.map((c) => `- ${c.place}: ${c.examples.join(', ')}`), '');
  }
  return lines.join('\n');
}
