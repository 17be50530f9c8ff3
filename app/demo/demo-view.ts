// The live terminal view of bin/demo: DemoState in, lines out. Pure (no clock, no terminal)
// so it is tested as text; the caller clears the screen and prints the lines each second.

import { renderProgress } from '../../topology/index.ts';
import type { PartitionProgress } from '../../topology/index.ts';
import type { DemoState, ReplayLine, SensorLine } from './demo-state.ts';
import { STAGES } from './stage-latency.ts';

const COLUMNS = [
  { title: 'sensor', width: 11 },
  { title: 'raw', width: 20 },
  { title: 'calibrated', width: 20 },
  { title: 'status', width: 13 },
  { title: 'profile version', width: 0 },
] as const;

/** Up to 3 decimals, trailing zeros kept so columns line up; null/undefined as a dash. */
export function formatValue(value: number | null | undefined, unit: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return unit ? `${value.toFixed(3)} ${unit}` : value.toFixed(3);
}

/** `sensor-005@2025-07-01#466bbddf00b7` → `2025-07-01#466bbddf00b7`: the sensor is already in the first column. */
export function shortProfile(profile: string | null | undefined): string {
  if (profile === null || profile === undefined) return '—';
  const at = profile.lastIndexOf('@');
  return at === -1 ? profile : profile.slice(at + 1);
}

function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function row(cells: readonly string[]): string {
  return cells.map((cell, i) => (COLUMNS[i]!.width === 0 ? cell : cell.padEnd(COLUMNS[i]!.width))).join(' ').trimEnd();
}

function sensorRow(line: SensorLine): string {
  const c = line.calibrated;
  return row([
    line.sensorId,
    line.raw === undefined ? '—' : formatValue(line.raw.value, line.raw.unit),
    c === undefined ? '—' : formatValue(c.value, c.unit),
    c?.status ?? '—',
    c === undefined ? '—' : shortProfile(c.profile),
  ]);
}

const CODES_PER_LINE = 4;

/** The DLQ total, then its codes four to a line, so the view stays within ~100 columns. */
function dlqLines(byCode: Record<string, number> | undefined, rawSinkDlq: number | undefined, stale: boolean): string[] {
  const sink = `raw sink ${rawSinkDlq ?? '—'}`;
  if (byCode === undefined) return [`DLQ         calibrator — (its /metrics has not answered yet; busy starting or back-filling); ${sink}`];
  const entries = Object.entries(byCode).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const lines = [`DLQ         calibrator ${total}${stale ? ' (a moment ago: busy, /metrics slow to answer)' : ''}; ${sink}`];
  for (let i = 0; i < entries.length; i += CODES_PER_LINE) {
    lines.push(`${i === 0 ? '            by code: ' : '                     '}${entries.slice(i, i + CODES_PER_LINE).map(([code, n]) => `${code} ${n}`).join(', ')}`);
  }
  return lines;
}

const INDENT = '            ';
const VERSIONS_PER_LINE = 3;
const VERSION_LINES = 2;

function partitionFigure(p: PartitionProgress): string {
  if (!p.applied) return `${p.partition} waiting`;
  const done = p.total === 0n ? 1 : Number(p.total - p.remaining) / Number(p.total);
  return `${p.partition} ${Math.floor(done * 100)}%`;
}

function replayStatus(replay: ReplayLine): string {
  const progress = replay.progress;
  if (progress === undefined) return 'found';
  if (progress.done) return 'done';
  return progress.appliedPartitions === 0 ? 'requested, waiting for the calibrator to pick it up' : 'running';
}

/**
 * The group's latest replay: its state, progress (overall and per partition), the rows it has
 * rewritten and the profile versions they now carry. The sensor lines above show only each
 * sensor's newest row, which a replay does not touch: this is where a replay is seen.
 */
export function replayLines(state: Pick<DemoState, 'replay' | 'replayProblem' | 'replayFromMs'>): string[] {
  const { replay } = state;
  const command = state.replayFromMs === undefined ? undefined : `bin/replay --from ${new Date(state.replayFromMs).toISOString()}`;
  if (replay === undefined) {
    if (state.replayProblem !== undefined) return [`replay      — ${state.replayProblem}`];
    return [`replay      none requested yet${command === undefined ? '' : `; to recalibrate every row of this run: ${command}`}`];
  }
  const who = replay.sensors === null ? 'every sensor' : replay.sensors.join(', ');
  const lines = [`replay      epoch ${replay.epoch} ${replayStatus(replay)}: requested ${clock(replay.requestedAtMs)} for ${who}, `
    + `readings ${clock(replay.fromMs)}–${clock(replay.toMs)}`];
  if (replay.progress !== undefined) {
    lines.push(`${INDENT}${renderProgress(replay.progress)}`);
    lines.push(`${INDENT}partitions ${replay.progress.byPartition.map(partitionFigure).join(' · ')}`);
  }
  const rows = replay.rows;
  if (rows !== undefined) {
    const left = replay.progress?.done === true ? `${rows.pending} not rewritten` : `${rows.pending} still to rewrite`;
    const older = rows.before === 0 ? '' : `; ${rows.before} older rows of this run keep their old profile${command === undefined ? '' : ` (${command} covers them)`}`;
    lines.push(`${INDENT}rows rewritten ${rows.rewritten}, ${left}${older}`);
    if (rows.byProfile.length > 0) {
      const room = VERSIONS_PER_LINE * VERSION_LINES;
      const all = rows.byProfile.map((v) => `${v.profile ?? 'no profile (uncalibrated)'} ${v.rows}`);
      const shown = all.length <= room ? all : [...all.slice(0, room - 1), `+${all.length - room + 1} more versions`];
      for (let i = 0; i < shown.length; i += VERSIONS_PER_LINE) {
        lines.push(`${i === 0 ? `${INDENT}now carry ` : `${INDENT}          `}${shown.slice(i, i + VERSIONS_PER_LINE).join(', ')}`);
      }
    }
  }
  return lines;
}

/** The live readings' latency, or that there are none yet (back-fill is history, not latency). */
function latencyLine(state: DemoState): string {
  const { latency } = state;
  if (latency.samples === 0) {
    return `latency     no live readings yet (reading ts → calibrated row committed, measured once readings go live)`;
  }
  return `latency     p50 ${formatMs(latency.p50Ms)}, p99 ${formatMs(latency.p99Ms)}  (reading ts → calibrated row committed; ${latency.samples} live readings, last ${Math.round(latency.windowMs / 1000)} s)`;
}

/** One line of progress for --headless (every 5 s on stderr). */
export function headlessProgress(state: DemoState): string {
  const l = state.latency;
  const latency = l.samples === 0 ? 'no live readings yet' : `p50 ${formatMs(l.p50Ms)} p99 ${formatMs(l.p99Ms)} over ${l.samples} live readings`;
  const backfill = state.backfill === undefined ? '' : ` of ~${state.backfill.expected}`;
  return `${state.phase}: sent ${state.sent.readings}${backfill}, rows raw ${state.rows.raw} calibrated ${state.rows.calibrated}, ${latency}`;
}

export function renderDemoView(state: DemoState): string[] {
  const since = state.backfill !== undefined
    ? `back-filling readings since ${clock(state.backfill.fromMs)}: ${state.backfill.sent} of ~${state.backfill.expected} sent`
    : state.liveSinceMs === undefined ? state.phase : `${state.phase} for ${elapsed(state.nowMs - state.liveSinceMs)}`;
  const perSecond = (n: number | undefined): string => (n === undefined ? '—' : n.toFixed(1));
  return [
    `Kalibra demo — ${clock(state.nowMs)} UTC — ${since} — Ctrl-C stops everything`,
    '',
    row(COLUMNS.map((c) => c.title)),
    ...state.sensors.map(sensorRow),
    '',
    `sent        ${state.sent.readings} readings (+${state.sent.duplicates} duplicates, ${state.sent.malformed} malformed)`,
    `rows        raw_readings ${state.rows.raw}, calibrated_readings ${state.rows.calibrated}`,
    `throughput  ${perSecond(state.calibratedPerSecond)} calibrated rows/s (readings sent: ${perSecond(state.sentPerSecond)}/s; last 5 s)`,
    latencyLine(state),
    `stages      ${STAGES.map(({ name }) => `${name} ${formatMs(state.stages?.[name])}`).join(' → ')}  (mean per record, last 5 s)`,
    ...dlqLines(state.dlqByCode, state.rawSinkDlq, state.dlqStale === true),
    ...replayLines(state),
    `processes   ${state.children.map((c) => `${c.name} :${c.port} ${c.state}`).join(' · ')}`,
    `logs        ${state.logsDir}`,
  ];
}
