import type { Check, Outcome } from '../../core/model.ts';
import { fail } from '../lib/outcomes.ts';
import { containerLabel, isWindowsPod, notApplicable, outcomesOf } from '../lib/pod-security.ts';
import { containersOf, describeWorkload, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * An immutable root filesystem keeps an intruder from changing the container's binaries.
 * Catalog EKS-WL-15 (NSA/CISA "immutable container file systems"):
 * https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
 */
export const podContainersReadOnlyRootFilesystem: Check = {
  id: 'pod-containers-read-only-root-filesystem',
  title: 'Containers run with a read-only root filesystem',
  severity: 'low',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    "With a writable root filesystem, an attacker who gains code execution can replace the application's " +
    'binaries and libraries, drop tools and persist until the container is replaced. A read-only root ' +
    'filesystem, with emptyDir volumes for the few paths that must be written, makes the image the only ' +
    'code the container runs and makes tampering stand out.',
  remediation: {
    summary:
      'Set `securityContext.readOnlyRootFilesystem: true` on every container and mount an emptyDir volume at ' +
      'each path the application must write (for example /tmp).',
    cli:
      'kubectl patch deployment <name> -n <namespace> -p ' +
      '\'{"spec":{"template":{"spec":{"containers":[{"name":"<container>","securityContext":{"readOnlyRootFilesystem":true}}]}}}}\'',
    iac:
      'containers:\n  - name: app\n    securityContext:\n      readOnlyRootFilesystem: true\n' +
      '    volumeMounts:\n      - name: tmp\n        mountPath: /tmp\nvolumes:\n  - name: tmp\n    emptyDir: {}',
  },
  docs: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      if (isWindowsPod(workload.spec)) {
        outcomes.push(
          notApplicable(
            workload,
            'is a Windows pod: the API server rejects readOnlyRootFilesystem on Windows.',
          ),
        );
        continue;
      }
      const failures: Outcome[] = [];
      for (const ref of containersOf(workload)) {
        const value = ref.container.securityContext?.readOnlyRootFilesystem;
        if (value === true) continue;
        const why =
          value === false
            ? 'sets readOnlyRootFilesystem: false'
            : 'does not set readOnlyRootFilesystem: true';
        failures.push(
          fail(
            workload.resource,
            `${describeWorkload(workload)}: ${containerLabel(ref)} ${why}, so its root filesystem is writable.`,
            {
              path: `${ref.path}.securityContext.readOnlyRootFilesystem`,
              evidence: { container: ref.container.name, readOnlyRootFilesystem: value ?? null },
            },
          ),
        );
      }
      outcomes.push(
        ...outcomesOf(workload, failures, 'runs every container with a read-only root filesystem.'),
      );
    }
    return outcomes;
  },
};
