import type { Ingress } from '../../core/k8s-types.ts';
import type { Check, DeepReadonly, Outcome } from '../../core/model.ts';
import { ALB_ANNOTATION, albScheme, isAlbIngress, namespaceOf } from '../lib/network.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';

const GROUP = `${ALB_ANNOTATION}group.name`;

/** What protects an ALB, from the annotations the AWS Load Balancer Controller reads. */
function protection(ingress: DeepReadonly<Ingress>): string | undefined {
  const annotations = ingress.metadata.annotations ?? {};
  const value = (key: string) => (annotations[`${ALB_ANNOTATION}${key}`] ?? '').trim();
  // `wafv2-acl-arn: none` explicitly detaches the web ACL.
  for (const key of ['wafv2-acl-arn', 'wafv2-acl-name', 'waf-acl-id']) {
    const setting = value(key);
    if (setting !== '' && setting.toLowerCase() !== 'none') return `AWS WAF (${key})`;
  }
  if (value('shield-advanced-protection').toLowerCase() === 'true') return 'AWS Shield Advanced';
  return undefined;
}

/**
 * Heuristic, catalog EKS-NET-05/EKS-NET-07: an internet-facing ALB without a web ACL takes
 * every request to the application. Annotations are the only place the controller takes the
 * WAF from per Ingress; IngressClassParams and WAF associations made outside Kubernetes are
 * not visible to the scan, so the finding says so.
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#addons
 */
export const networkIngressWafProtected: Check = {
  id: 'network-ingress-waf-protected',
  title: 'Internet-facing ALB Ingresses have AWS WAF or Shield Advanced attached',
  severity: 'low',
  responsibility: 'customer',
  frameworks: [{ framework: 'eks-best-practices', requirement: 'network-security' }],
  reads: ['ingresses'],
  rationale:
    'An internet-facing Application Load Balancer forwards every request, including injection attempts, ' +
    'credential stuffing and floods, straight to the pods. An AWS WAF web ACL (managed rule groups, rate ' +
    'limits) or Shield Advanced in front of it filters that traffic before it reaches the application. ' +
    'This is a heuristic: it reads the Ingress annotations only, so a web ACL attached through ' +
    'IngressClassParams, Firewall Manager or the console is not seen.',
  remediation: {
    summary:
      'Associate an AWS WAFv2 web ACL with the ALB through the Ingress annotation (on one Ingress of an ' +
      'IngressGroup), or enable Shield Advanced protection; if the WAF is attached another way, waive the ' +
      'finding with that reason.',
    cli:
      'kubectl annotate ingress <name> -n <namespace> ' +
      'alb.ingress.kubernetes.io/wafv2-acl-arn=arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>',
    iac:
      'metadata:\n  annotations:\n    alb.ingress.kubernetes.io/scheme: internet-facing\n' +
      '    alb.ingress.kubernetes.io/wafv2-acl-arn: arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>',
  },
  docs: [
    'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#addons',
    'https://docs.aws.amazon.com/waf/latest/developerguide/waf-chapter.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
  ],
  evaluate(snapshot) {
    const albs = snapshot.k8s.ingresses.filter((ingress) => isAlbIngress(ingress));
    // The annotations of every member of an IngressGroup configure one shared ALB.
    const protectedGroups = new Map<string, string>();
    for (const ingress of albs) {
      const group = ingress.metadata.annotations?.[GROUP]?.trim();
      const by = protection(ingress);
      if (group && by)
        protectedGroups.set(
          group,
          `${by} on Ingress ${namespaceOf(ingress.metadata)}/${ingress.metadata.name}`,
        );
    }
    const outcomes: Outcome[] = [];
    for (const ingress of albs) {
      if (albScheme(ingress) !== 'internet-facing') continue;
      const namespace = namespaceOf(ingress.metadata);
      const resource = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        namespace,
        name: ingress.metadata.name,
      };
      const name = `Ingress ${namespace}/${ingress.metadata.name}`;
      const group = ingress.metadata.annotations?.[GROUP]?.trim();
      const by = protection(ingress) ?? (group ? protectedGroups.get(group) : undefined);
      if (by) {
        outcomes.push(
          pass(resource, `${name} gets an internet-facing ALB protected by ${by}.`, {
            evidence: { scheme: 'internet-facing', protection: by, group: group ?? null },
          }),
        );
        continue;
      }
      outcomes.push(
        fail(
          resource,
          `heuristic: ${name} gets an internet-facing ALB with no AWS WAF web ACL or Shield Advanced ` +
            'annotation' +
            (group ? ` on any Ingress of group ${group}` : '') +
            '; a web ACL attached outside Kubernetes would not be visible here.',
          {
            path: `metadata.annotations["${ALB_ANNOTATION}wafv2-acl-arn"]`,
            evidence: { scheme: 'internet-facing', group: group ?? null },
          },
        ),
      );
    }
    if (outcomes.length === 0) {
      outcomes.push({
        status: 'not_applicable',
        resource: clusterResource(snapshot),
        message: 'The cluster has no internet-facing ALB Ingress.',
      });
    }
    return outcomes;
  },
};
