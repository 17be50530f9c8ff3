// Writes docs/metrics.md, the table of every metric the processes register, from the code
// (dev/monitoring/metric-catalog.ts); --check exits 1 when the file is out of date.
//   bin/node24 node dev/metrics-reference.ts [--write | --check]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricCatalog, renderMetricsDoc } from './monitoring/metric-catalog.ts';

export const METRICS_DOC = join(import.meta.dirname, '..', 'docs/metrics.md');

const mode = process.argv[2];
const doc = renderMetricsDoc(metricCatalog());
if (mode === '--write') {
  writeFileSync(METRICS_DOC, doc);
} else if (mode === '--check') {
  let current = '';
  try {
    current = readFileSync(METRICS_DOC, 'utf8');
  } catch {
    // missing: stale
  }
  if (current !== doc) {
    process.stderr.write('docs/metrics.md is out of date; run bin/node24 node dev/metrics-reference.ts --write\n');
    process.exit(1);
  }
} else if (mode === undefined) {
  process.stdout.write(doc);
} else {
  process.stderr.write('usage: dev/metrics-reference.ts [--write | --check]\n');
  process.exit(2);
}
