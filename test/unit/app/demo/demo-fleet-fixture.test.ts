import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_FLEET_DIR } from '../../../helpers/demo-fleet.ts';
import { repoRoot } from '../../../helpers/sink-fixtures.ts';

// The tests read the demo fleet from test/fixtures/demo-fleet/, never from calibration-profiles/
// (which the README's tour has the user edit). This keeps the copy equal to what is committed in
// calibration-profiles/ (HEAD, not the working copy: an uncommitted edit is the user's business).
function committed(path: string): string | undefined {
  try {
    return execFileSync('git', ['show', `HEAD:${path}`], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

function committedProfiles(): string[] | undefined {
  try {
    return execFileSync('git', ['ls-tree', '--name-only', 'HEAD', 'calibration-profiles/'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n').filter((p) => p.endsWith('.yaml')).map((p) => p.slice('calibration-profiles/'.length)).sort();
  } catch {
    return undefined;
  }
}

const inGit = committedProfiles() !== undefined;

describe('the demo fleet fixture', () => {
  it.skipIf(!inGit)('is the committed calibration-profiles/, file for file (copy them over when the fleet changes)', () => {
    expect(readdirSync(DEMO_FLEET_DIR).filter((n) => n.endsWith('.yaml')).sort()).toEqual(committedProfiles());
    for (const name of committedProfiles() ?? []) {
      expect(readFileSync(join(DEMO_FLEET_DIR, name), 'utf8'), name).toBe(committed(`calibration-profiles/${name}`));
    }
  });
});
