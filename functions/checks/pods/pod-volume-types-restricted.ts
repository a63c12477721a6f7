import type { Check, Outcome } from '../../core/model.ts';
import {
  failure,
  notEvaluatedVolume,
  outcomesOf,
  RESTRICTED_VOLUME_SOURCES,
  volumeSources,
} from '../lib/pod-security.ts';
import { WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * PSS restricted `restrictedVolumes`: inline volumes only of the types configMap, csi,
 * downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret. It
 * replaces the baseline `hostPathVolumes` check at the restricted level, so hostPath fails here
 * too. https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const podVolumeTypesRestricted: Check = {
  id: 'pod-volume-types-restricted',
  title: 'Pods use only the volume types the restricted standard allows',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'pss-restricted', requirement: 'restrictedVolumes' },
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    'Inline volume sources other than the core ones let a pod reach storage no administrator provisioned for ' +
    'it: an NFS export, an iSCSI or Fibre Channel target, a cloud disk by id, a directory of the node. The ' +
    'deprecated gitRepo type runs git on the node and has allowed code execution there (CVE-2024-10220). ' +
    'Persistent storage belongs behind a PersistentVolumeClaim, where it is reviewed, bound and audited.',
  remediation: {
    summary:
      'Replace inline volume sources outside configMap, csi, downwardAPI, emptyDir, ephemeral, image, ' +
      'persistentVolumeClaim, projected and secret with a PersistentVolumeClaim (or a CSI driver), and a ' +
      'gitRepo volume with an init container that clones into an emptyDir.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=restricted',
    iac: 'volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: data',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
    'https://kubernetes.io/docs/concepts/storage/volumes/',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const findings: Outcome[] = [];
      workload.spec.volumes?.forEach((volume, index) => {
        const sources = volumeSources(volume);
        const path = `${workload.specPath}.volumes[${index}]`;
        if (sources.length === 0) {
          findings.push(notEvaluatedVolume(workload, volume.name, path));
          return;
        }
        if (sources.some((source) => RESTRICTED_VOLUME_SOURCES.has(source))) return;
        findings.push(
          failure(
            workload,
            `volume "${volume.name}" is of type ${sources.join(', ')}, which the restricted standard does not allow`,
            {
              path: `${path}.${sources[0]}`,
              evidence: { volume: volume.name, type: sources.join(', ') },
            },
          ),
        );
      });
      outcomes.push(
        ...outcomesOf(workload, findings, 'uses only the volume types the restricted standard allows.'),
      );
    }
    return outcomes;
  },
};
