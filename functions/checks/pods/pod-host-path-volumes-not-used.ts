import type { Check, Outcome } from '../../core/model.ts';
import { fail } from '../lib/outcomes.ts';
import { dangerousHostPath, outcomesOf } from '../lib/pod-security.ts';
import { containersOf, describeWorkload, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * hostPath volumes put the node's filesystem inside the pod. PSS baseline `hostPathVolumes`:
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const podHostPathVolumesNotUsed: Check = {
  id: 'pod-host-path-volumes-not-used',
  title: 'Pods mount no hostPath volumes',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'pss-baseline', requirement: 'hostPathVolumes' },
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    "A hostPath volume mounts a file or directory of the node into the pod. The container runtime's " +
    "socket gives control of every container on the node; the kubelet's directory holds every pod's " +
    'secrets and service account tokens; a writable mount of a system directory lets the pod plant code ' +
    'that the node will run. Even a narrow, read-only hostPath ties the pod to one node and leaks host data.',
  remediation: {
    summary:
      'Replace hostPath volumes with emptyDir, a PersistentVolumeClaim, a ConfigMap/Secret or a CSI volume; ' +
      'node agents that must read host files should mount the narrowest path read-only and run in a ' +
      'dedicated namespace. Enforce the baseline Pod Security Standard on application namespaces.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=baseline',
    iac: 'volumes:\n  - name: scratch\n    emptyDir: {}',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
    'https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const containers = containersOf(workload);
      const failures: Outcome[] = [];
      workload.spec.volumes?.forEach((volume, index) => {
        if (!volume.hostPath) return;
        const hostPath = volume.hostPath.path ?? '';
        const mounts = containers.flatMap((ref) =>
          (ref.container.volumeMounts ?? []).filter((mount) => mount.name === volume.name),
        );
        const writable = mounts.some((mount) => mount.readOnly !== true);
        const how =
          mounts.length === 0
            ? 'though no container mounts it yet'
            : writable
              ? 'mounted writable'
              : 'mounted read-only';
        const danger = dangerousHostPath(hostPath);
        const detail = danger ? ` This is especially dangerous: ${danger}.` : '';
        failures.push(
          fail(
            workload.resource,
            `${describeWorkload(workload)}: volume "${volume.name}" exposes the node's path ` +
              `${hostPath || '(empty)'}, ${how}.${detail}`,
            {
              path: `${workload.specPath}.volumes[${index}].hostPath`,
              evidence: {
                volume: volume.name,
                hostPath,
                writable,
                especiallyDangerous: danger !== undefined,
              },
            },
          ),
        );
      });
      outcomes.push(...outcomesOf(workload, failures, 'mounts no hostPath volume.'));
    }
    return outcomes;
  },
};
