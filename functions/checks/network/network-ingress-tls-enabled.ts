import type { Check, Outcome } from '../../core/model.ts';
import { ALB_ANNOTATION, albListenerProtocols, isAlbIngress, namespaceOf } from '../lib/network.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';

/**
 * An Ingress without TLS serves its users' sessions and credentials in clear text.
 * CIS EKS 5.4.5 (TLS on load balancers); catalog EKS-NET-07 (Polaris tlsSettingsMissing).
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#ssl
 */
export const networkIngressTlsEnabled: Check = {
  id: 'network-ingress-tls-enabled',
  title: 'Ingresses terminate TLS and do not serve plain HTTP without a redirect',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.4.5' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['ingresses'],
  rationale:
    'Traffic between clients and an Ingress crosses networks the cluster owner does not control; without ' +
    'TLS, session cookies, tokens and form data can be read and altered on the way. For an ALB created by ' +
    'the AWS Load Balancer Controller, TLS means an HTTPS listener (an ACM certificate from ' +
    '`certificate-arn`, or one discovered from the TLS hosts); an HTTP listener next to it must redirect to ' +
    'HTTPS, or clients can keep using the clear-text one. Other controllers terminate TLS from `spec.tls`.',
  remediation: {
    summary:
      'For ALB Ingresses, listen on HTTPS with an ACM certificate and redirect HTTP to HTTPS; for other ' +
      'ingress controllers, add a spec.tls entry with a certificate Secret (e.g. issued by cert-manager) for ' +
      'every host.',
    iac:
      'metadata:\n  annotations:\n    alb.ingress.kubernetes.io/listen-ports: \'[{"HTTP": 80}, {"HTTPS": 443}]\'\n' +
      '    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:<region>:<account>:certificate/<id>\n' +
      '    alb.ingress.kubernetes.io/ssl-redirect: "443"\n' +
      '    alb.ingress.kubernetes.io/ssl-policy: ELBSecurityPolicy-TLS13-1-2-2021-06',
    cli: 'kubectl annotate ingress <name> -n <namespace> alb.ingress.kubernetes.io/ssl-redirect=443',
  },
  docs: [
    'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#ssl',
    'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const ingress of snapshot.k8s.ingresses) {
      const namespace = namespaceOf(ingress.metadata);
      const resource = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        namespace,
        name: ingress.metadata.name,
      };
      const name = `Ingress ${namespace}/${ingress.metadata.name}`;
      const tls = (ingress.spec?.tls ?? []).length;
      if (!isAlbIngress(ingress)) {
        outcomes.push(
          tls > 0
            ? pass(resource, `${name} terminates TLS (spec.tls has ${tls} entr${tls === 1 ? 'y' : 'ies'}).`)
            : fail(resource, `${name} has no spec.tls entry, so it serves its hosts over plain HTTP.`, {
                path: 'spec.tls',
                evidence: { controller: ingress.spec?.ingressClassName ?? null },
              }),
        );
        continue;
      }
      const annotations = ingress.metadata.annotations ?? {};
      const protocols = albListenerProtocols(ingress);
      const listeners = [...protocols].sort().join(', ') || 'none';
      const redirect = [`${ALB_ANNOTATION}ssl-redirect`, `${ALB_ANNOTATION}actions.ssl-redirect`].some(
        (key) => (annotations[key] ?? '').trim() !== '',
      );
      const evidence = { controller: 'aws-load-balancer-controller', listeners, sslRedirect: redirect };
      if (!protocols.has('HTTPS')) {
        outcomes.push(
          fail(resource, `${name} gets an ALB with no HTTPS listener (listeners: ${listeners}).`, {
            path: `metadata.annotations["${ALB_ANNOTATION}listen-ports"]`,
            evidence,
          }),
        );
      } else if (protocols.has('HTTP') && !redirect) {
        outcomes.push(
          fail(
            resource,
            `${name} gets an ALB that listens on HTTPS but also serves plain HTTP without redirecting it to HTTPS.`,
            { path: `metadata.annotations["${ALB_ANNOTATION}ssl-redirect"]`, evidence },
          ),
        );
      } else {
        outcomes.push(
          pass(
            resource,
            `${name} gets an ALB that terminates TLS` +
              (protocols.has('HTTP') ? ' and redirects HTTP to HTTPS.' : ' and has no plain HTTP listener.'),
            { evidence },
          ),
        );
      }
    }
    if (outcomes.length === 0) {
      outcomes.push({
        status: 'not_applicable',
        resource: clusterResource(snapshot),
        message: 'The cluster has no Ingress.',
      });
    }
    return outcomes;
  },
};
