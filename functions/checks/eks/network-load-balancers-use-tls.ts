import type { Check, Outcome } from '../../core/model.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';
import { describe } from '../lib/workloads.ts';

const SSL_CERT = 'service.beta.kubernetes.io/aws-load-balancer-ssl-cert';
const SSL_PORTS = 'service.beta.kubernetes.io/aws-load-balancer-ssl-ports';

/**
 * CIS EKS 5.4.5 for LoadBalancer Services: with a certificate annotation, both the in-tree AWS
 * provider and the AWS Load Balancer Controller put TLS listeners on the ports named in
 * `…-ssl-ports` (every port when it is absent or `*`); without one, every listener is plaintext.
 * Ingresses are covered by network-ingress-tls-enabled.
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 */
export const networkLoadBalancersUseTls: Check = {
  id: 'network-load-balancers-use-tls',
  title: 'LoadBalancer Services terminate TLS on every TCP listener',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.4.5' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['services'],
  rationale:
    'A LoadBalancer Service without a certificate gets plaintext listeners: credentials, session cookies ' +
    'and payloads cross the network unencrypted between clients and the load balancer, where anyone on ' +
    'the path can read or alter them. Terminating TLS at the load balancer with an ACM certificate ' +
    'protects that leg without changing the application.',
  remediation: {
    summary:
      'Annotate the Service with an ACM certificate ARN and list its TLS ports (or leave ' +
      'aws-load-balancer-ssl-ports out so every port gets TLS); serve no plaintext ports on the same load ' +
      'balancer.',
    cli:
      'kubectl annotate service <name> -n <namespace> \\\n' +
      '  service.beta.kubernetes.io/aws-load-balancer-ssl-cert=arn:aws:acm:<region>:<account>:certificate/<id> \\\n' +
      '  service.beta.kubernetes.io/aws-load-balancer-ssl-ports=443',
    iac:
      'metadata:\n  annotations:\n' +
      '    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:<region>:<account>:certificate/<id>\n' +
      '    service.beta.kubernetes.io/aws-load-balancer-ssl-ports: "443"\n' +
      '    service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy: ELBSecurityPolicy-TLS13-1-2-2021-06',
  },
  docs: [
    'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const service of snapshot.k8s.services) {
      if (service.spec?.type !== 'LoadBalancer') continue;
      const resource = {
        apiVersion: 'v1',
        kind: 'Service',
        name: service.metadata.name,
        ...(service.metadata.namespace !== undefined ? { namespace: service.metadata.namespace } : {}),
      };
      const who = describe(resource);
      const annotations = service.metadata.annotations ?? {};
      const cert = annotations[SSL_CERT]?.trim();
      const tcp = (service.spec.ports ?? [])
        .map((port, index) => ({ port, index }))
        .filter(({ port }) => (port.protocol ?? 'TCP').toUpperCase() !== 'UDP');
      const label = (port: { port?: number; name?: string }) =>
        `${port.port ?? '?'}${port.name ? ` (${port.name})` : ''}`;
      if (tcp.length === 0) {
        outcomes.push(pass(resource, `${who} exposes only UDP ports, where TLS does not apply.`));
        continue;
      }
      if (!cert) {
        outcomes.push(
          fail(
            resource,
            `${who} has no ${SSL_CERT} annotation, so its load balancer listens in plaintext on ` +
              `${tcp.map(({ port }) => label(port)).join(', ')}.`,
            { path: `metadata.annotations["${SSL_CERT}"]`, evidence: { plaintextPorts: tcp.length } },
          ),
        );
        continue;
      }
      const listed = (annotations[SSL_PORTS] ?? '*')
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      const all = listed.length === 0 || listed.includes('*');
      const plain = all
        ? []
        : tcp.filter(
            ({ port }) =>
              !listed.includes(String(port.port ?? '')) && !listed.includes(port.name ?? '\u0000'),
          );
      const evidence = { certificate: cert, sslPorts: annotations[SSL_PORTS] ?? '(all)' };
      if (plain.length > 0) {
        outcomes.push(
          fail(
            resource,
            `${who} has a certificate, but ${plain.map(({ port }) => label(port)).join(', ')} ` +
              `${plain.length === 1 ? 'is' : 'are'} not in ${SSL_PORTS} (${annotations[SSL_PORTS]}), so ` +
              `${plain.length === 1 ? 'that listener stays' : 'those listeners stay'} plaintext.`,
            {
              path: `spec.ports[${plain[0]?.index ?? 0}]`,
              evidence: { ...evidence, plaintextPorts: plain.length },
            },
          ),
        );
        continue;
      }
      outcomes.push(
        pass(
          resource,
          `${who} terminates TLS on every TCP listener (${tcp.map(({ port }) => label(port)).join(', ')}).`,
          {
            evidence,
          },
        ),
      );
    }
    if (outcomes.length === 0) {
      outcomes.push({
        status: 'not_applicable',
        resource: clusterResource(snapshot),
        message: 'The cluster has no Services of type LoadBalancer.',
      });
    }
    return outcomes;
  },
};
