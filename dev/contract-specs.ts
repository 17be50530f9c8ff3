// Writes contract/specs/ (the raw and calibrated readings' JSON Schemas and the AsyncAPI
// document of the topics) from the code; --check exits 1 when a file is out of date.
//   bin/node24 node dev/contract-specs.ts [--write | --check]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractSpecFiles, SPECS_DIR } from './contract/specs.ts';

const mode = process.argv[2];
const files = contractSpecFiles();
if (mode === '--write') {
  mkdirSync(SPECS_DIR, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(SPECS_DIR, name), content);
} else if (mode === '--check') {
  const stale = Object.entries(files).filter(([name, content]) => {
    try {
      return readFileSync(join(SPECS_DIR, name), 'utf8') !== content;
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    process.stderr.write(`contract/specs/ is out of date (${stale.map(([name]) => name).join(', ')}); run bin/node24 node dev/contract-specs.ts --write\n`);
    process.exit(1);
  }
} else {
  process.stderr.write('usage: dev/contract-specs.ts --write | --check\n');
  process.exit(2);
}
