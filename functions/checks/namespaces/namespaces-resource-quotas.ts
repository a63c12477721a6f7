import type { Check, Outcome } from '../../core/model.ts';
import { namespacesInScope } from '../lib/network.ts';
import { fail, pass } from '../lib/outcomes.ts';

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
    const quotas = new Map<string, string[]>();
    for (const quota of snapshot.k8s.resourcequotas) {
      const namespace = quota.metadata.namespace ?? 'default';
      const list = quotas.get(namespace);
      if (list) list.push(quota.metadata.name);
      else quotas.set(namespace, [quota.metadata.name]);
    }
    const { inScope, exempt } = namespacesInScope(snapshot, params);
    const outcomes: Outcome[] = [];
    for (const namespace of inScope) {
      const resource = { apiVersion: 'v1', kind: 'Namespace', name: namespace };
      const names = quotas.get(namespace) ?? [];
      outcomes.push(
        names.length > 0
          ? pass(resource, `Namespace ${namespace} has ResourceQuota ${names.join(', ')}.`, {
              evidence: { resourceQuotas: names.join(', ') },
            })
          : fail(
              resource,
              `Namespace ${namespace} has no ResourceQuota: its workloads can consume the cluster's capacity ` +
                'without bound.',
              { evidence: { resourceQuotas: 0 } },
            ),
      );
    }
    for (const namespace of exempt) {
      outcomes.push({
        status: 'not_applicable',
        resource: { apiVersion: 'v1', kind: 'Namespace', name: namespace },
        message: `Namespace ${namespace} is a system namespace (params.systemNamespaces) and is left out.`,
      });
    }
    return outcomes;
  },
};
