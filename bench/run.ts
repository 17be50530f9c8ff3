// `npm run bench -- <name>`: runs bench/<name>.bench.ts, which writes its own section of
// bench/RESULTS.md. With no name, lists the benchmarks.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''));
const name = process.argv[2];
if (!name || name === '--help' || !available.includes(name)) {
  process.stdout.write(`Usage: npm run bench -- <name>\nBenchmarks: ${available.join(', ') || '(none yet)'}\n`);
  process.exit(name && name !== '--help' ? 2 : 0);
}
await import(`./${name}.bench.ts`);
