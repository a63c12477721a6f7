import type { Check, Outcome } from '../../core/model.ts';
import { fail } from '../lib/outcomes.ts';
import { containerLabel, outcomesOf } from '../lib/pod-security.ts';
import { containersOf, describeWorkload, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * A hostPort publishes a container port on the node's address. PSS baseline `hostPorts`
 * (undefined or 0): https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const podHostPortsNotUsed: Check = {
  id: 'pod-host-ports-not-used',
  title: 'Containers do not bind ports on the node (hostPort)',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'pss-baseline', requirement: 'hostPorts' },
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    "A hostPort makes the container reachable on the node's own IP address, outside the Service and load " +
    'balancer paths the team reviews, and often outside the security groups meant for pods. It also pins ' +
    'one replica per node and lets a pod capture a port other node services expect.',
  remediation: {
    summary:
      'Remove `hostPort` from container ports and expose the workload through a ClusterIP Service, with an ' +
      'Ingress or a LoadBalancer Service where it must be reachable from outside the cluster.',
    cli: 'kubectl expose deployment <name> --port=80 --target-port=8080 -n <namespace>',
    iac: 'ports:\n  - containerPort: 8080\n    protocol: TCP  # no hostPort',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/concepts/configuration/overview/#services',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const failures: Outcome[] = [];
      for (const ref of containersOf(workload)) {
        ref.container.ports?.forEach((port, index) => {
          if (port.hostPort === undefined || port.hostPort === 0) return;
          failures.push(
            fail(
              workload.resource,
              `${describeWorkload(workload)}: ${containerLabel(ref)} binds port ${port.hostPort} on the node.`,
              {
                path: `${ref.path}.ports[${index}].hostPort`,
                evidence: {
                  container: ref.container.name,
                  hostPort: port.hostPort,
                  containerPort: port.containerPort ?? null,
                },
              },
            ),
          );
        });
      }
      outcomes.push(...outcomesOf(workload, failures, 'binds no port on the node.'));
    }
    return outcomes;
  },
};
