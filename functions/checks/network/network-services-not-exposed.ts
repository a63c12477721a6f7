import type { Service } from '../../core/k8s-types.ts';
import type { Check, DeepReadonly, Outcome } from '../../core/model.ts';
import { loadBalancerScheme } from '../lib/network.ts';
import { fail, pass } from '../lib/outcomes.ts';
import { describe } from '../lib/workloads.ts';

const SOURCE_RANGES = 'service.beta.kubernetes.io/load-balancer-source-ranges';

function sourceRanges(service: DeepReadonly<Service>): string[] {
  const fromSpec = service.spec?.loadBalancerSourceRanges ?? [];
  if (fromSpec.length > 0) return [...fromSpec];
  const annotation = service.metadata.annotations?.[SOURCE_RANGES] ?? '';
  return annotation
    .split(',')
    .map((range) => range.trim())
    .filter((range) => range !== '');
}

function isOpen(cidr: string, openCidrs: readonly string[]): boolean {
  const value = cidr.trim().toLowerCase();
  return openCidrs.some((open) => open.trim().toLowerCase() === value) || value.endsWith('/0');
}

/**
 * NodePort and internet-facing LoadBalancer Services put a workload on the network edge;
 * every such exposure should be deliberate and, for load balancers, source-restricted.
 * https://docs.aws.amazon.com/eks/latest/best-practices/load-balancing.html
 */
export const networkServicesNotExposed: Check = {
  id: 'network-services-not-exposed',
  title: 'Services are not exposed through NodePorts or open internet-facing LBs',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['services'],
  rationale:
    'A LoadBalancer Service on EKS creates an AWS load balancer that is internet-facing unless ' +
    'annotated otherwise, and a NodePort Service opens the same port on every node. Either can put an ' +
    'internal API, an admin console or a database on the internet by accident. Internal load balancers, ' +
    'or internet-facing ones limited with loadBalancerSourceRanges, keep exposure to what was intended; ' +
    'HTTP services are better published through an Ingress with TLS and a WAF.',
  remediation: {
    summary:
      'Use ClusterIP Services behind an Ingress or an internal load balancer; for a load balancer that must ' +
      'face the internet, set loadBalancerSourceRanges to the clients that need it; replace NodePort Services.',
    cli:
      'kubectl annotate service <name> -n <namespace> service.beta.kubernetes.io/aws-load-balancer-scheme=internal\n' +
      'kubectl patch service <name> -n <namespace> -p \'{"spec":{"loadBalancerSourceRanges":["203.0.113.0/24"]}}\'',
    iac:
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  annotations:\n' +
      '    service.beta.kubernetes.io/aws-load-balancer-type: external\n' +
      '    service.beta.kubernetes.io/aws-load-balancer-scheme: internal\nspec:\n  type: LoadBalancer\n' +
      '  ports: [{ port: 443, targetPort: 8443 }]',
  },
  docs: [
    'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/',
    'https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html',
    'https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
  ],
  evaluate(snapshot, params) {
    const outcomes: Outcome[] = [];
    for (const service of snapshot.k8s.services) {
      const resource = {
        apiVersion: 'v1',
        kind: 'Service',
        name: service.metadata.name,
        namespace: service.metadata.namespace ?? 'default',
      };
      const name = describe(resource);
      const type = service.spec?.type ?? 'ClusterIP';
      if (type === 'NodePort') {
        const ports = (service.spec?.ports ?? [])
          .map((port) => port.nodePort)
          .filter((port) => port !== undefined);
        outcomes.push(
          fail(
            resource,
            `${name} is of type NodePort: it opens ${ports.length > 0 ? `port(s) ${ports.join(', ')}` : 'a port'} ` +
              'on every node, reachable from anywhere the nodes are.',
            { path: 'spec.type', evidence: { type, nodePorts: ports.join(', ') || null } },
          ),
        );
        continue;
      }
      if (type !== 'LoadBalancer') {
        outcomes.push(pass(resource, `${name} is of type ${type} and is not exposed outside the cluster.`));
        continue;
      }
      const scheme = loadBalancerScheme(service.metadata.annotations ?? {});
      const ranges = sourceRanges(service);
      const evidence = {
        type,
        scheme: scheme.internal ? 'internal' : 'internet-facing',
        reason: scheme.because,
        sourceRanges: ranges.join(', ') || null,
      };
      if (scheme.internal) {
        outcomes.push(
          pass(resource, `${name} gets an internal load balancer (${scheme.because}).`, { evidence }),
        );
        continue;
      }
      const open = ranges.filter((range) => isOpen(range, params.openCidrs));
      if (ranges.length === 0 || open.length > 0) {
        outcomes.push(
          fail(
            resource,
            `${name} gets an internet-facing load balancer (${scheme.because}) ` +
              (ranges.length === 0
                ? 'with no loadBalancerSourceRanges, so it accepts traffic from anywhere.'
                : `open to ${open.join(', ')}.`),
            { path: 'spec.loadBalancerSourceRanges', evidence },
          ),
        );
        continue;
      }
      outcomes.push(
        pass(resource, `${name} gets an internet-facing load balancer limited to ${ranges.join(', ')}.`, {
          evidence,
        }),
      );
    }
    return outcomes;
  },
};
