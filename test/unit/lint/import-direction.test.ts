import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import direction of docs/architecture.md#layers-and-imports is enforced by the lint config; these tests
// prove the rule fires (and stays quiet where it should).
const eslint = new ESLint({ cwd: process.cwd() });

// The type-aware config only lints files that exist, so each case is written to a
// scratch file in the folder under test and removed afterwards.
async function importErrors(file: string, source: string): Promise<string[]> {
  const scratch = file.replace(/\.ts$/, `-${randomBytes(4).toString('hex')}.lint-scratch.ts`);
  mkdirSync(dirname(scratch), { recursive: true });
  writeFileSync(scratch, source);
  try {
    const [result] = await eslint.lintFiles([scratch]);
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  } finally {
    rmSync(scratch, { force: true });
  }
}

describe('import direction', { timeout: 60_000 }, () => {
  it('rejects topology/core importing from topology/calibration', async () => {
    const errors = await importErrors('topology/core/example.ts', "import { x } from '../calibration/x.ts';\nexport const y = x;\n");
    expect(errors.join('\n')).toMatch(/topology\/core knows nothing/);
  });

  it('rejects connectors importing from bin', async () => {
    const errors = await importErrors('connectors/postgres/example.ts', "import { x } from '../../bin/x.ts';\nexport const y = x;\n");
    expect(errors.join('\n')).toMatch(/connectors may import topology\/core only/);
  });

  it('rejects topology/calibration importing from connectors', async () => {
    const errors = await importErrors('topology/calibration/example.ts', "import { x } from '../../connectors/postgres/x.ts';\nexport const y = x;\n");
    expect(errors.join('\n')).toMatch(/topology\/calibration may import topology\/core only/);
  });

  it('allows topology/calibration to import topology/core', async () => {
    const errors = await importErrors('topology/calibration/example.ts', "import { x } from '../core/x.ts';\nexport const y = x;\n");
    expect(errors).toEqual([]);
  });
});
