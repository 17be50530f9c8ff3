import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import directions of docs/architecture.md#layers-and-imports are enforced by the lint config; these
// tests prove each rule fires (and stays quiet where it should).
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

const source = (...specifiers: string[]): string =>
  `${specifiers.map((specifier, i) => `import { x${i} } from '${specifier}';`).join('\n')}\nexport const all = [${specifiers.map((_, i) => `x${i}`).join(', ')}];\n`;

const rejected: { name: string; file: string; from: string; message: RegExp }[] = [
  { name: 'topology importing contract', file: 'topology/core/example.ts', from: '../../contract/x.ts', message: /topology \(the library\) must not import contract\// },
  { name: 'topology importing calibration', file: 'topology/core/example.ts', from: '../../calibration/x.ts', message: /topology \(the library\) must not import calibration\// },
  { name: 'topology importing connectors', file: 'topology/testing/example.ts', from: '../../connectors/postgres/x.ts', message: /topology \(the library\) must not import connectors\// },
  { name: 'topology importing app', file: 'topology/example.ts', from: '../app/calibrator/x.ts', message: /topology \(the library\) must not import app\// },
  { name: 'contract importing calibration', file: 'contract/example.ts', from: '../calibration/x.ts', message: /contract must not import calibration\// },
  { name: 'contract importing connectors', file: 'contract/example.ts', from: '../connectors/postgres/x.ts', message: /contract must not import connectors\// },
  { name: 'calibration importing connectors', file: 'calibration/example.ts', from: '../connectors/postgres/x.ts', message: /calibration must not import connectors\// },
  { name: 'calibration importing app', file: 'calibration/example.ts', from: '../app/calibrator/x.ts', message: /calibration must not import app\// },
  { name: 'connectors importing calibration', file: 'connectors/postgres/example.ts', from: '../../calibration/x.ts', message: /connectors must not import calibration\// },
  { name: 'connectors importing bin', file: 'connectors/postgres/example.ts', from: '../../bin/x.ts', message: /connectors must not import bin\// },
  { name: 'app importing bin', file: 'app/calibrator/example.ts', from: '../../bin/x.ts', message: /app must not import bin\// },
  { name: 'bin importing connectors', file: 'bin/example.ts', from: '../connectors/postgres/x.ts', message: /bin \(thin entries: import app\/ only\) must not import connectors\// },
  { name: 'bin importing the topology library', file: 'bin/example.ts', from: '../topology/index.ts', message: /bin \(thin entries: import app\/ only\) must not import topology\// },
  { name: 'calibration importing a file inside topology', file: 'calibration/example.ts', from: '../topology/core/errors.ts', message: /through topology\/index\.ts, topology\/core\/ops\/index\.ts or topology\/testing\/index\.ts only/ },
  { name: 'connectors importing a file inside topology/core/ops', file: 'connectors/postgres/example.ts', from: '../../topology/core/ops/config/option.ts', message: /never a file inside it/ },
  { name: 'app importing a file inside topology', file: 'app/replay/example.ts', from: '../../topology/core/replay/plan.ts', message: /never a file inside it/ },
  { name: 'dev importing a file inside topology', file: 'dev/example.ts', from: '../topology/core/ops/config/option.ts', message: /never a file inside it/ },
];

const allowed: { name: string; file: string; from: string[] }[] = [
  { name: 'topology importing itself', file: 'topology/core/example.ts', from: ['./errors.ts', './dsl/streams-builder.ts'] },
  { name: 'contract importing the public topology entries', file: 'contract/example.ts', from: ['../topology/index.ts', '../topology/core/ops/index.ts'] },
  { name: 'calibration importing contract and topology', file: 'calibration/example.ts', from: ['../contract/x.ts', '../topology/index.ts'] },
  { name: 'connectors importing contract and topology', file: 'connectors/postgres/example.ts', from: ['../../contract/x.ts', '../../topology/index.ts', '../../topology/core/ops/index.ts'] },
  {
    name: 'app importing every layer below it',
    file: 'app/calibrator/example.ts',
    from: ['../../calibration/x.ts', '../../connectors/postgres/x.ts', '../../contract/x.ts', '../../topology/index.ts', '../../topology/core/ops/index.ts'],
  },
  { name: 'bin importing app', file: 'bin/example.ts', from: ['../app/calibrator/main.ts'] },
  { name: 'tests importing files inside topology', file: 'test/unit/example.ts', from: ['../../topology/core/replay/plan.ts', '../../topology/testing/index.ts'] },
];

describe('import direction', { timeout: 60_000 }, () => {
  for (const { name, file, from, message } of rejected) {
    it(`rejects ${name}`, async () => {
      const errors = await importErrors(file, source(from));
      expect(errors.join('\n')).toMatch(message);
    });
  }

  for (const { name, file, from } of allowed) {
    it(`allows ${name}`, async () => {
      expect(await importErrors(file, source(...from))).toEqual([]);
    });
  }
});
