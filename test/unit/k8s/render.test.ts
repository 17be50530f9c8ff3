import { describe, expect, it, onTestFinished } from 'vitest';
import { renderKustomization } from '../../../dev/k8s/render.ts';

describe('rendering k8s/', () => {
  it('says plainly that kubectl is missing, and what it is needed for', async () => {
    const path = process.env.PATH;
    onTestFinished(() => { process.env.PATH = path; });
    process.env.PATH = '/nonexistent';
    await expect(renderKustomization('k8s/overlays/dev')).rejects.toMatchObject({
      code: 'KUBECTL_MISSING', message: expect.stringMatching(/kubectl is not on PATH: it carries the kustomize/) as unknown,
    });
  });

  it('passes on kustomize\'s own message when a kustomization is broken', async () => {
    await expect(renderKustomization('k8s/overlays/no-such-overlay')).rejects.toMatchObject({
      code: 'RENDER_FAILED', message: expect.stringMatching(/^kustomize could not render k8s\/overlays\/no-such-overlay: .+/) as unknown,
    });
  });
});
