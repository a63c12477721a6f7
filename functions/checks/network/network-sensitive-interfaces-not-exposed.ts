import type { Check, Outcome } from '../../core/model.ts';
import { imageSource } from '../lib/images.ts';
import { indexWorkloads, loadBalancerScheme, namespaceOf } from '../lib/network.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';
import { wordPatterns } from '../lib/words.ts';
import {
  containersOf,
  describeWorkload,
  WORKLOAD_KINDS,
  type Workload,
  workloads,
} from '../lib/workloads.ts';

/** Does a name (`grafana`, `team-grafana-0`) carry the word, bounded by `-`, `_`, `.` or the ends? */
const nameWord = wordPatterns('-_.', 'i');

function hasWord(name: string, word: string): boolean {
  return nameWord(word).test(name);
}

/**
 * Which entry of the sensitive-interface list a workload or Service matches, and on what. An
 * entry ending in `/` is an image organisation (`jupyter/`), one with a `/` an image path
 * (`weaveworks/scope`), anything else a word in the object name or the image name.
 */
function sensitiveMatch(names: readonly string[], images: readonly string[], entries: readonly string[]) {
  // Each image is parsed once, not once per entry of the list.
  const sources = images.map((image) => {
    const repository = imageSource(image).repository.toLowerCase();
    return { image, repository, last: repository.slice(repository.lastIndexOf('/') + 1) };
  });
  for (const entry of entries) {
    const lower = entry.toLowerCase();
    for (const { image, repository, last } of sources) {
      const hit = lower.endsWith('/')
        ? repository.startsWith(lower) || repository.includes(`/${lower}`)
        : lower.includes('/')
          ? repository === lower || repository.endsWith(`/${lower}`)
          : hasWord(last, lower);
      if (hit) return { entry, on: `image ${image}` };
    }
    if (!lower.includes('/')) {
      const name = names.find((candidate) => hasWord(candidate, lower));
      if (name) return { entry, on: `name ${name}` };
    }
  }
  return undefined;
}

/**
 * Dashboards, notebooks, CI servers and database consoles reachable from outside the cluster
 * are among the first things attackers look for (the 2018 Kubernetes-dashboard cryptojacking
 * of Tesla's cluster). Catalog EKS-NET-09 (kubescape C-0021). Heuristic: by name and image.
 * https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html
 */
export const networkSensitiveInterfacesNotExposed: Check = {
  id: 'network-sensitive-interfaces-not-exposed',
  title: 'Admin and data UIs are not exposed through NodePorts or internet-facing LBs',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['services', ...WORKLOAD_KINDS],
  rationale:
    'Dashboards (Grafana, Kibana, the Kubernetes dashboard), notebooks (Jupyter), CI and GitOps servers ' +
    '(Jenkins, Argo CD) and database consoles hold credentials, run code or show internal data, and often ' +
    'ship with weak or anonymous access. Published through a NodePort or an internet-facing load balancer ' +
    'they are reachable by anyone who can reach the nodes or the internet. This is a heuristic: Services ' +
    'are matched to workloads through their selectors, and workloads are recognised by name and image ' +
    '(the `sensitiveInterfaces` parameter).',
  remediation: {
    summary:
      'Serve the UI through a ClusterIP Service behind an authenticating Ingress (OIDC at the ALB, an auth ' +
      'proxy) or an internal load balancer reachable over VPN, and restrict who can reach it; never through ' +
      'a NodePort.',
    cli:
      'kubectl patch service <name> -n <namespace> -p \'{"spec":{"type":"ClusterIP"}}\'\n' +
      'kubectl port-forward -n <namespace> service/<name> 3000:80',
    iac:
      'metadata:\n  annotations:\n    alb.ingress.kubernetes.io/scheme: internal\n' +
      "    alb.ingress.kubernetes.io/auth-type: oidc\n    alb.ingress.kubernetes.io/auth-idp-oidc: '<json>'",
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
    'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#authentication',
    'https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  ],
  evaluate(snapshot, params) {
    const index = indexWorkloads(workloads(snapshot));
    const outcomes: Outcome[] = [];
    for (const service of snapshot.k8s.services) {
      const type = service.spec?.type ?? 'ClusterIP';
      let exposure: string | undefined;
      if (type === 'NodePort') exposure = 'a NodePort on every node';
      else if (type === 'LoadBalancer') {
        const scheme = loadBalancerScheme(service.metadata.annotations ?? {});
        if (!scheme.internal) exposure = `an internet-facing load balancer (${scheme.because})`;
      }
      if (!exposure) continue;
      const namespace = namespaceOf(service.metadata);
      const resource = { apiVersion: 'v1', kind: 'Service', namespace, name: service.metadata.name };
      const name = `Service ${namespace}/${service.metadata.name}`;
      const selector = service.spec?.selector ?? {};
      const backends: readonly Workload[] =
        Object.keys(selector).length > 0 ? index.matching(namespace, { matchLabels: selector }) : [];
      let found: { entry: string; on: string; workload?: Workload } | undefined;
      for (const workload of backends) {
        const images = containersOf(workload)
          .map((ref) => ref.container.image ?? '')
          .filter((image) => image !== '');
        const hit = sensitiveMatch([workload.resource.name], images, params.sensitiveInterfaces);
        if (hit) {
          found = { ...hit, workload };
          break;
        }
      }
      found ??= sensitiveMatch([service.metadata.name], [], params.sensitiveInterfaces);
      if (found) {
        outcomes.push(
          fail(
            resource,
            `heuristic: ${name} publishes ${found.workload ? describeWorkload(found.workload) : 'a workload'}, ` +
              `recognised as a sensitive interface ("${found.entry}" in its ${found.on}), through ${exposure}.`,
            {
              path: 'spec.type',
              evidence: { type, interface: found.entry, matchedOn: found.on },
            },
          ),
        );
        continue;
      }
      outcomes.push(
        pass(resource, `${name} is exposed through ${exposure} but fronts no known admin or data UI.`, {
          evidence: { type, backends: backends.length },
        }),
      );
    }
    if (outcomes.length === 0) {
      outcomes.push({
        status: 'not_applicable',
        resource: clusterResource(snapshot),
        message: 'No Service is exposed through a NodePort or an internet-facing load balancer.',
      });
    }
    return outcomes;
  },
};
