// The live terminal view of bin/demo: DemoState in, lines out. Pure (no clock, no terminal)
// so it is tested as text; the caller clears the screen and prints the lines each second.

import type { DemoState, SensorLine } from './demo-state.ts';
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
function dlqLines(byCode: Record<string, number> | undefined, rawSinkDlq: number | undefined): string[] {
  const sink = `raw sink ${rawSinkDlq ?? '—'}`;
  if (byCode === undefined) return [`DLQ         calibrator /metrics not answering; ${sink}`];
  const entries = Object.entries(byCode).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const lines = [`DLQ         calibrator ${total}; ${sink}`];
  for (let i = 0; i < entries.length; i += CODES_PER_LINE) {
    lines.push(`${i === 0 ? '            by code: ' : '                     '}${entries.slice(i, i + CODES_PER_LINE).map(([code, n]) => `${code} ${n}`).join(', ')}`);
  }
  return lines;
}

export function renderDemoView(state: DemoState): string[] {
  const since = state.liveSinceMs === undefined ? state.phase : `${state.phase} for ${elapsed(state.nowMs - state.liveSinceMs)}`;
  const { latency } = state;
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
    `latency     p50 ${formatMs(latency.p50Ms)}, p99 ${formatMs(latency.p99Ms)}  (reading ts → calibrated row committed; ${latency.samples} live readings, last ${Math.round(latency.windowMs / 1000)} s)`,
    `stages      ${STAGES.map(({ name }) => `${name} ${formatMs(state.stages?.[name])}`).join(' → ')}  (mean per record, last 5 s)`,
    ...dlqLines(state.dlqByCode, state.rawSinkDlq),
    `processes   ${state.children.map((c) => `${c.name} :${c.port} ${c.state}`).join(' · ')}`,
    `logs        ${state.logsDir}`,
  ];
}
