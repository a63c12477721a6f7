import type { Check } from '../../core/model.ts';
import { namespacesHoldingObjects } from '../lib/namespace-objects.ts';

/**
 * A ResourceQuota caps what one namespace (one team, one tenant) can consume, so a runaway or
 * compromised workload cannot take the cluster's capacity. NSA/CISA "Resource policies";
 * catalog EKS-RS-05 (hardeneks ensure_namespace_quotas_exist, Trivy NSA 4.0).
 * https://kubernetes.io/docs/concepts/policy/resource-quotas/
 */
export const namespacesResourceQuotas: Check = {
  id: 'namespaces-resource-quotas',
  title: 'Every application namespace has a ResourceQuota',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'multi-tenancy' },
  ],
  reads: ['namespaces', 'resourcequotas'],
  rationale:
    'Namespaces share the nodes, the API server and the cloud resources Services create. Without a quota ' +
    'one namespace can schedule pods until the cluster is full, create thousands of objects that slow the ' +
    'API server, or open load balancers and volumes that cost money, whether through a bug, a noisy ' +
    'tenant or an attacker. A ResourceQuota bounds CPU, memory, storage and object counts per namespace ' +
    '(and can forbid LoadBalancer and NodePort Services outright). System namespaces are left out.',
  remediation: {
    summary:
      'Create a ResourceQuota in each application namespace sized for its workloads, covering requests and ' +
      'limits of CPU and memory, pods, PersistentVolumeClaims and Services of type LoadBalancer/NodePort.',
    cli: 'kubectl create quota default-quota -n <namespace> --hard=requests.cpu=4,requests.memory=8Gi,limits.memory=16Gi,pods=50',
    iac:
      'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: default-quota\n  namespace: <namespace>\nspec:\n' +
      '  hard:\n    requests.cpu: "4"\n    requests.memory: 8Gi\n    limits.memory: 16Gi\n    pods: "50"\n' +
      '    services.loadbalancers: "0"\n    services.nodeports: "0"',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/policy/resource-quotas/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html',
  ],
  evaluate(snapshot, params) {
    return namespacesHoldingObjects(snapshot, params, {
      objects: snapshot.k8s.resourcequotas,
      kind: 'ResourceQuota',
      evidenceKey: 'resourceQuotas',
      consequence: "its workloads can consume the cluster's capacity without bound.",
    });
  },
};
