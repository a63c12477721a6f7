import type { Check, Outcome } from '../../core/model.ts';
import { namespaceOf } from '../lib/network.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';

const SSH_PORTS: ReadonlySet<number> = new Set([22, 2222]);
const SSH_NAME = /^ssh([-_]|$)/i;

/**
 * A Service that publishes port 22 (or 2222, or a port named `ssh`) means an SSH server runs in
 * a pod and is reachable through the Service. Catalog EKS-NET-10 / §4.10 (kubescape C-0042).
 * https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html
 */
export const networkServicesSshNotExposed: Check = {
  id: 'network-services-ssh-not-exposed',
  title: 'No Service exposes an SSH port',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['services'],
  rationale:
    'An SSH server inside a pod is a remote shell with its own credentials, outside Kubernetes RBAC and ' +
    'audit logging; published through a Service it can be brute-forced and used to move from pod to pod or, ' +
    'through a NodePort or load balancer, reached from outside. Interactive access to containers belongs to ' +
    '`kubectl exec` or AWS Systems Manager, which are authenticated, authorised and logged.',
  remediation: {
    summary:
      'Remove the SSH port from the Service and the SSH server from the image; use `kubectl exec` (limited by ' +
      'RBAC on pods/exec) or ephemeral debug containers for troubleshooting.',
    cli: 'kubectl get service <name> -n <namespace> -o yaml\nkubectl debug -it <pod> -n <namespace> --image=<debug-image>',
  },
  docs: [
    'https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container',
    'https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const service of snapshot.k8s.services) {
      const namespace = namespaceOf(service.metadata);
      const resource = { apiVersion: 'v1', kind: 'Service', namespace, name: service.metadata.name };
      (service.spec?.ports ?? []).forEach((port, index) => {
        const target = port.targetPort;
        const why =
          port.port !== undefined && SSH_PORTS.has(port.port)
            ? `port ${port.port}`
            : typeof target === 'number' && SSH_PORTS.has(target)
              ? `target port ${target}`
              : SSH_NAME.test(port.name ?? '')
                ? `a port named "${port.name}"`
                : typeof target === 'string' && SSH_NAME.test(target)
                  ? `target port "${target}"`
                  : undefined;
        if (!why) return;
        outcomes.push(
          fail(
            resource,
            `Service ${namespace}/${service.metadata.name} (${service.spec?.type ?? 'ClusterIP'}) exposes SSH through ` +
              `${why}.`,
            {
              path: `spec.ports[${index}]`,
              evidence: {
                type: service.spec?.type ?? 'ClusterIP',
                port: port.port ?? null,
                targetPort: target ?? null,
                name: port.name ?? null,
              },
            },
          ),
        );
      });
    }
    if (outcomes.length === 0) {
      outcomes.push(
        pass(
          clusterResource(snapshot),
          `None of the ${snapshot.k8s.services.length} Service(s) exposes an SSH port.`,
        ),
      );
    }
    return outcomes;
  },
};
