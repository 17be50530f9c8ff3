// The parser pool: files are checked on worker threads; a worker that dies on a file (here:
// out of its heap on a large table) is replaced, the files of its batch are retried one by
// one, and only the culprit is reported, as an issue naming the file, never as a throw.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ProfileParserPool } from '../../../../app/profile-files/profile-parser-pool.ts';
import { MAX_ARRAY_ITEMS } from '../../../../calibration/profile-schema.ts';
import { tempDir } from '../../../helpers/pipeline-processes.ts';
import { linearProfileYaml } from '../../../helpers/profile-fleet.ts';

describe('ProfileParserPool', () => {
  it('reports a file that runs its worker out of memory as a failed check of that file, and checks the files batched with it', async () => {
    const dir = tempDir('kalibra-pool');
    const points = Array.from({ length: MAX_ARRAY_ITEMS }, (_, i) => `[${i}.000123456789, ${i}.987654321012]`).join(', ');
    // The "!" in the comment keeps the file off the fast parser (calibration/profile-parser.ts),
    // which would read this table in a small heap: the full parser's document is what runs out.
    writeFileSync(join(dir, 'big.yaml'), `# hostile!\nsensor: big\ninput_unit: v\nunit: v\nversions:\n  - valid_from: 2025-01-01\n    method: table\n    points: [${points}]\n`);
    const small = ['s1', 's2', 's3'];
    for (const sensor of small) writeFileSync(join(dir, `${sensor}.yaml`), linearProfileYaml(sensor, 1, 0));
    // A heap far too small for the table's YAML document, enough for the small files.
    const pool = new ProfileParserPool({ maxFileBytes: 1024 * 1024, threads: 1, workerHeapMb: 24 });
    onTestFinished(() => pool.close());

    const outcomes = await pool.check(['s1', 'big', 's2', 's3'].map((name) => ({ path: join(dir, `${name}.yaml`), knownHash: null })));
    const byPath = new Map(outcomes.map((o) => [o.path, o]));
    expect(byPath.get(join(dir, 'big.yaml'))).toMatchObject({ kind: 'failed', message: expect.stringMatching(/^cannot check this file: its checker (crashed|exited)/) as unknown });
    for (const sensor of small) {
      expect(byPath.get(join(dir, `${sensor}.yaml`))).toMatchObject({ kind: 'parsed', result: { ok: true } });
    }
    // One worker for the batch, one per file retried alone.
    expect(pool.workersStarted).toBeGreaterThanOrEqual(2);
  });

  it('answers every job after close, as not checked, instead of hanging', async () => {
    const pool = new ProfileParserPool({ maxFileBytes: 1024 });
    await pool.close();
    expect(await pool.check([{ path: '/nowhere/x.yaml', knownHash: null }])).toEqual([
      { path: '/nowhere/x.yaml', kind: 'failed', message: 'not checked: the profile checker was closed' },
    ]);
  });
});
