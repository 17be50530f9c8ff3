import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README's configuration reference is generated from the option declarations
// (dev/readme-reference --write); this fails when someone adds or changes an option and
// forgets to regenerate it, so the README can never disagree with --help.

const root = join(import.meta.dirname, '..', '..', '..');

function check(): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(join(root, 'dev', 'readme-reference'), ['--check'], { cwd: root }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stderr });
    });
  });
}

describe('the README configuration reference', () => {
  it('is what dev/readme-reference generates from the option declarations of every command', async () => {
    const result = await check();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('lists the options of every command, the demo included', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const heading of ['Kafka', 'Postgres', 'Process', 'Topics', 'Calibrator', 'Sink', 'Topics apply', 'Simulator', 'Demo']) {
      expect(readme).toContain(`\n### ${heading}\n`);
    }
    expect(readme).toContain('`--headless`');
    expect(readme).toContain('npm test');
  });
});
