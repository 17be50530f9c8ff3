// Reads counters out of a Prometheus text exposition (a process's /metrics), for the demo's
// DLQ figures. Only what the demo needs: sample lines of one metric, summed by one label.

/** Sums the samples of `metric` by the value of `label` ('' when the sample has no such label). */
export function sumByLabel(text: string, metric: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const rest = line.slice(metric.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue; // another metric with this prefix
    const labels = rest[0] === '{' ? rest.slice(1, rest.indexOf('}')) : '';
    const value = Number(rest.slice(rest[0] === '{' ? rest.indexOf('}') + 1 : 0).trim().split(' ')[0]);
    if (!Number.isFinite(value)) continue;
    const match = new RegExp(`(?:^|,)${label}="((?:[^"\\\\]|\\\\.)*)"`).exec(labels);
    const key = match?.[1] ?? '';
    out[key] = (out[key] ?? 0) + value;
  }
  return out;
}

export function sumAll(text: string, metric: string): number {
  return Object.values(sumByLabel(text, metric, '')).reduce((a, b) => a + b, 0);
}
