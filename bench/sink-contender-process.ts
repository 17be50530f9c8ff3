// One contender of bench/sink-contenders.ts in a process of its own: argv[2] is its
// ContenderSpec as JSON; prints its outcome (rows/s) as the last line of stdout. Not a
// benchmark by itself (no .bench.ts): `npm run bench -- sink` starts it.
import { runContender } from './sink-contenders.ts';
import type { ContenderSpec } from './sink-contenders.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as ContenderSpec;
const outcome = await runContender(spec);
// Exits at once: a client's lingering socket must not keep the next contender waiting.
process.stdout.write(`\n${JSON.stringify(outcome)}\n`, () => process.exit(0));
