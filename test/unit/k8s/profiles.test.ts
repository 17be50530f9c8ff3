import { describe, expect, it } from 'vitest';
import { listedProfileFiles, profileFiles, syncedKustomization } from '../../../dev/k8s/sync-profiles.ts';
import { one, rendered } from './rendered.ts';

describe('calibration profiles in Kubernetes', () => {
  it('the ConfigMap lists exactly the files in calibration-profiles/ (run dev/k8s/sync-profiles.ts if not)', () => {
    expect(listedProfileFiles()).toEqual(profileFiles());
  });

  it('keep their ConfigMap name across edits, so an edit is hot-reloaded instead of rolling the pods', async () => {
    const objects = await rendered('k8s/overlays/production');
    const configMap = one(objects, 'ConfigMap', 'kalibra-calibration-profiles');
    expect(Object.keys(configMap.data ?? {}).sort()).toEqual(profileFiles().map((f) => f.split('/').pop()));
  });

  it('are mounted as a directory at KALIBRA_PROFILES_DIR in the calibrator', async () => {
    const objects = await rendered('k8s/overlays/production');
    const pod = (one(objects, 'StatefulSet', 'kalibra-calibrator').spec as {
      template: { spec: { containers: { env: { name: string; value?: string }[]; volumeMounts: { name: string; mountPath: string; subPath?: string }[] }[]; volumes: { name: string; configMap?: { name: string } }[] } };
    }).template.spec;
    const container = pod.containers[0]!;
    const dir = container.env.find((e) => e.name === 'KALIBRA_PROFILES_DIR')?.value;
    const mount = container.volumeMounts.find((m) => m.mountPath === dir);
    // A subPath mount would never see updates.
    expect(mount?.subPath).toBeUndefined();
    expect(pod.volumes.find((v) => v.name === mount?.name)?.configMap?.name).toBe('kalibra-calibration-profiles');
  });

  it('sync rewrites only the file list and keeps the comments', () => {
    const text = '# why\nconfigMapGenerator:\n  - name: p\n    files: []  # kept\n';
    const synced = syncedKustomization(text, ['../../calibration-profiles/a.yaml']);
    expect(synced).toContain('# why');
    expect(listedProfileFiles(synced)).toEqual(['../../calibration-profiles/a.yaml']);
  });
});
