import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../dev/k8s/render.ts';

// No Docker engine here: the image cannot be built in CI, so its structure is checked
// instead (stages, user, secrets, health), and the probes in k8s/ are tested beside it.

interface Instruction { stage: string; keyword: string; args: string }

/** Dockerfile instructions with line continuations joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && current === '')) continue;
    current += `${line.replace(/\\$/, '')} `;
    if (!line.endsWith('\\')) {
      logical.push(current.trim());
      current = '';
    }
  }
  let stage = '(global)';
  return logical.filter((l) => l !== '').map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? args;
    return { stage, keyword: keyword.toUpperCase(), args };
  });
}

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const all = instructions(dockerfile);
const stages = all.filter((i) => i.keyword === 'FROM').map((i) => i.stage);
const finalStage = stages.at(-1)!;
const inFinal = all.filter((i) => i.stage === finalStage);

describe('Dockerfile', () => {
  it('runs the TypeScript sources on a slim Node 24 image with production dependencies only, nothing compiled', () => {
    expect(stages).toEqual(['sources', 'deps', 'runtime']);
    const from = (stage: string): string => all.find((i) => i.keyword === 'FROM' && i.stage === stage)!.args;
    for (const stage of stages) expect(from(stage)).toMatch(new RegExp(`^node:\\$\\{NODE_VERSION\\}-bookworm-slim AS ${stage}$`));
    expect(all.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_VERSION='))?.args).toMatch(/^NODE_VERSION=24\./);
    const runs = (stage: string): string => all.filter((i) => i.stage === stage && i.keyword === 'RUN').map((i) => i.args).join('\n');
    expect(dockerfile).not.toMatch(/npm run build|tsc/);
    expect(runs('deps')).toMatch(/npm ci --omit=dev/);
    expect(runs('runtime')).not.toMatch(/npm (ci|install)/);
  });

  it('copies into the runtime only from stages that exist, never tests or the dev-only commands', () => {
    const copies = inFinal.filter((i) => i.keyword === 'COPY');
    for (const copy of copies) {
      const from = /--from=(\S+)/.exec(copy.args)?.[1];
      if (from !== undefined) expect(stages).toContain(from);
      else expect(copy.args, 'only package.json comes from the context').toBe('package.json ./');
    }
    expect(copies.map((c) => c.args).join('\n')).toMatch(/--from=sources \/out\/ \.\//);
    expect(dockerfile).toMatch(/case "\$f" in bin\/dev-stack\|bin\/demo\|bin\/demo\.ts\)/);
  });

  it('runs as a numeric non-root user', () => {
    const users = inFinal.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatch(/^[1-9][0-9]*(:[1-9][0-9]*)?$/);
  });

  it('bakes in no secret: no credential-like ARG or ENV, no .env or key files in the context', () => {
    for (const i of all.filter((x) => x.keyword === 'ARG' || x.keyword === 'ENV')) {
      expect(i.args, `${i.keyword} ${i.args}`).not.toMatch(/PASSWORD|SECRET|TOKEN|DATABASE_URL|_KEY\b|:\/\/[^\s]*@/i);
    }
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const pattern of ['.git', '.env', '.env.*', '*.pem', '*.key', 'node_modules', '.dev', 'test']) {
      expect(ignored, pattern).toContain(pattern);
    }
  });

  it('has a health check on /healthz and starts commands under tini, calibrator by default', () => {
    const health = inFinal.find((i) => i.keyword === 'HEALTHCHECK');
    expect(health?.args).toContain('/healthz');
    expect(health?.args).toContain('KALIBRA_HTTP_PORT');
    expect(inFinal.find((i) => i.keyword === 'ENTRYPOINT')?.args).toBe('["/usr/bin/tini", "--"]');
    expect(inFinal.find((i) => i.keyword === 'CMD')?.args).toBe('["/app/bin/calibrator"]');
  });

  it('ships bin/run-ts, which runs bin/<name>.ts with node itself, on the image\'s Node 24', () => {
    const runTs = readFileSync(join(repoRoot, 'bin', 'run-ts'), 'utf8');
    expect(runTs).toContain('exec "$root/bin/node24" node "$root/bin/$name.ts" "$@"');
    expect(runTs).not.toMatch(/tsx|dist\//);
  });
});
