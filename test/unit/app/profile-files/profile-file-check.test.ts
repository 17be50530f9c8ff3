// One file as a parse worker checks it: identity from fstat, refused over the limit without
// being parsed, not parsed again when its content hashes to what is known, and "racy" while
// a same-size rewrite could still keep its identity.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProfileFile, fileIdentity, isRacy } from '../../../../app/profile-files/profile-file-check.ts';
import { tempDir } from '../../../helpers/pipeline-processes.ts';
import { linearProfileYaml } from '../../../helpers/profile-fleet.ts';

describe('checkProfileFile', () => {
  it('parses a file, then answers unchanged for the same content, and refuses it over the limit without parsing', () => {
    const path = join(tempDir('kalibra-check'), 's1.yaml');
    writeFileSync(path, linearProfileYaml('s1', 1, 0));
    const later = (): number => Date.now() + 60_000;
    const first = checkProfileFile({ path, knownHash: null }, 1024, later);
    expect(first).toMatchObject({ kind: 'parsed', identity: fileIdentity(statSync(path)), racy: false, result: { ok: true } });
    if (first.kind !== 'parsed') return;
    expect(checkProfileFile({ path, knownHash: first.hash }, 1024, later)).toEqual({ path, kind: 'unchanged', identity: first.identity, hash: first.hash, racy: false });
    expect(checkProfileFile({ path, knownHash: null }, 10, later)).toEqual({ path, kind: 'over-limit', identity: first.identity, size: statSync(path).size, limit: 10 });
    expect(checkProfileFile({ path: `${path}.missing`, knownHash: null }, 1024)).toMatchObject({ kind: 'unreadable', message: expect.stringContaining('ENOENT') as unknown });
  });

  it('calls a file racy while a rewrite could keep its timestamp: 50 ms on fine timestamps, 2 s on whole seconds', () => {
    expect(isRacy(1_000_000.123, 1_000_000.123 + 10)).toBe(true);
    expect(isRacy(1_000_000.123, 1_000_000.123 + 60)).toBe(false);
    expect(isRacy(1_000_000, 1_001_500)).toBe(true);
    expect(isRacy(1_000_000, 1_002_000)).toBe(false);
  });
});
