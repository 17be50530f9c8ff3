// The pipeline's stages for the demo view, from the histograms each process serves on
// /metrics: the mean time a record spent in each stage over the last few seconds (the change of
// a histogram's _sum over the change of its _count between two scrapes). Pure: texts in.
import { sumAll } from './prometheus-text.ts';

export type StageProcess = 'rawSink' | 'calibrator' | 'calibratedSink';

/** The stages in pipeline order: who measures each, and with which histogram. */
export const STAGES = [
  { name: 'saved', process: 'rawSink', metric: 'kalibra_sink_record_age_seconds' }, // produce → raw row committed
  { name: 'released', process: 'calibrator', metric: 'kalibra_gate_release_seconds' }, // raw row committed → released by the gate
  { name: 'committed', process: 'calibrator', metric: 'kalibra_record_commit_seconds' }, // released → calibrated record committed in Kafka
  { name: 'stored', process: 'calibratedSink', metric: 'kalibra_sink_record_commit_seconds' }, // → calibrated row committed in Postgres
] as const;

export type StageName = (typeof STAGES)[number]['name'];

/** Cumulative _sum (seconds) and _count of each stage's histogram; absent when its /metrics did not answer. */
export type StageTotals = Partial<Record<StageName, { sum: number; count: number }>>;

export function stageTotals(metrics: Partial<Record<StageProcess, string | undefined>>): StageTotals {
  const totals: StageTotals = {};
  for (const stage of STAGES) {
    const text = metrics[stage.process];
    if (text === undefined) continue;
    totals[stage.name] = { sum: sumAll(text, `${stage.metric}_sum`), count: sumAll(text, `${stage.metric}_count`) };
  }
  return totals;
}

/** Mean ms per record of each stage between two scrapes; undefined where no record passed. */
export function stageMeans(now: StageTotals, then: StageTotals): Partial<Record<StageName, number>> {
  const means: Partial<Record<StageName, number>> = {};
  for (const { name } of STAGES) {
    const a = now[name];
    const b = then[name];
    if (a === undefined || b === undefined || a.count <= b.count) continue;
    means[name] = ((a.sum - b.sum) * 1000) / (a.count - b.count);
  }
  return means;
}
