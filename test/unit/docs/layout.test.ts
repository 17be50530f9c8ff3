import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryFiles, root } from './repository.ts';

// docs/architecture.md answers "where does X go?" with a table of every folder (between the
// folders:start/folders:end markers). This keeps the table and the tree equal: every folder
// named there exists, and every folder holding tracked files is named there, except below a
// row that says "(subfolders not listed)", folders named fixtures/ (test data), and what is
// never committed.
//
// Expected to FAIL on branch `docs` until the layout branch (issue 12: contract/, calibration/,
// app/ out of topology/calibration/) is merged: the table describes the target layout.

const NEVER_LISTED = new Set(['node_modules', '.git', 'dist', '.dev', 'fixtures']);
const UNLISTED_BELOW = '(subfolders not listed)';

interface Row { folder: string; unlistedBelow: boolean }

function layoutRows(): Row[] {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  const start = doc.indexOf('<!-- folders:start -->');
  const end = doc.indexOf('<!-- folders:end -->');
  if (start < 0 || end < start) throw new Error('docs/architecture.md has no folders:start/folders:end section');
  const rows: Row[] = [];
  for (const line of doc.slice(start, end).split('\n')) {
    const row = /^\|\s*`([^`]+)\/`\s*\|(.*)\|\s*$/.exec(line);
    if (row) rows.push({ folder: row[1]!, unlistedBelow: row[2]!.includes(UNLISTED_BELOW) });
  }
  return rows;
}

function repositoryFolders(): Set<string> {
  const folders = new Set<string>();
  for (const file of repositoryFiles()) {
    const parts = file.split('/').slice(0, -1);
    for (let depth = 1; depth <= parts.length; depth++) folders.add(parts.slice(0, depth).join('/'));
  }
  return folders;
}

describe('the folders section of docs/architecture.md', () => {
  const rows = layoutRows();
  const listed = new Set(rows.map((row) => row.folder));
  const folders = repositoryFolders();

  it('is a table of folders, each named once', () => {
    expect(rows.length).toBeGreaterThan(40);
    expect(listed.size).toBe(rows.length);
  });

  it('names only folders that exist', () => {
    expect([...listed].filter((folder) => !folders.has(folder))).toEqual([]);
  });

  it('names every folder of the repository', () => {
    const unlistedRoots = rows.filter((row) => row.unlistedBelow).map((row) => `${row.folder}/`);
    const missing = [...folders].filter((folder) =>
      !listed.has(folder)
      && !folder.split('/').some((part) => NEVER_LISTED.has(part))
      && !unlistedRoots.some((prefix) => folder.startsWith(prefix)));
    expect(missing.sort()).toEqual([]);
  });
});
