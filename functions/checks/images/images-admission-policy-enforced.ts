import type { WebhookConfiguration } from '../../core/k8s-types.ts';
import type { Check, DeepReadonly } from '../../core/model.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';

/**
 * Admission policy engines that can verify image signatures or restrict registries, recognised
 * by the names of their webhooks and the API groups of their CRDs.
 */
const ENGINES: ReadonlyArray<{ name: string; webhook: RegExp; crdGroups: readonly string[] }> = [
  { name: 'Kyverno', webhook: /kyverno/i, crdGroups: ['kyverno.io'] },
  {
    name: 'OPA Gatekeeper',
    webhook: /gatekeeper/i,
    crdGroups: ['templates.gatekeeper.sh', 'constraints.gatekeeper.sh'],
  },
  { name: 'Ratify', webhook: /ratify/i, crdGroups: ['config.ratify.deislabs.io'] },
  {
    name: 'Sigstore policy-controller',
    webhook: /sigstore\.dev|policy-controller/i,
    crdGroups: ['policy.sigstore.dev'],
  },
  { name: 'Connaisseur', webhook: /connaisseur/i, crdGroups: [] },
  { name: 'Kubewarden', webhook: /kubewarden/i, crdGroups: ['policies.kubewarden.io'] },
  { name: 'Portieris', webhook: /portieris/i, crdGroups: ['portieris.cloud.ibm.com'] },
  { name: 'jsPolicy', webhook: /jspolicy/i, crdGroups: ['policy.jspolicy.com'] },
];

type Webhooks = ReadonlyArray<DeepReadonly<WebhookConfiguration>>;

/** `ValidatingWebhookConfiguration kyverno-resource-validating-webhook-cfg` for each engine found. */
function registrations(validating: Webhooks, mutating: Webhooks): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const scan = (kind: string, configs: Webhooks) => {
    for (const config of configs) {
      const names = [config.metadata.name, ...(config.webhooks ?? []).map((hook) => hook.name ?? '')];
      for (const engine of ENGINES) {
        if (!names.some((name) => engine.webhook.test(name))) continue;
        const list = found.get(engine.name) ?? [];
        list.push(`${kind} ${config.metadata.name}`);
        found.set(engine.name, list);
      }
    }
  };
  scan('ValidatingWebhookConfiguration', validating);
  scan('MutatingWebhookConfiguration', mutating);
  return found;
}

/**
 * Heuristic, CIS EKS 5.1.4 (enforcement) and catalog EKS-IMG-13: EKS does not expose the
 * ImagePolicyWebhook admission plugin, so registry restrictions and signature verification are
 * enforced by a policy engine registered through admission webhooks. Its policies are not
 * collected, and neither are ValidatingAdmissionPolicies, so a pass means "an engine is
 * registered", not "images are verified".
 * https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html
 */
export const imagesAdmissionPolicyEnforced: Check = {
  id: 'images-admission-policy-enforced',
  title: 'An admission policy engine can verify images before pods run',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.1.4' },
    { framework: 'nsa-cisa-1.2', requirement: 'image-security' },
    { framework: 'eks-best-practices', requirement: 'image-security' },
  ],
  reads: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'customresourcedefinitions'],
  rationale:
    'Scanning and signing images only helps if the cluster refuses the ones that were not scanned, not ' +
    'signed or not from an approved registry. On EKS the API server flags for image policy are not ' +
    'available, so that decision is made by an admission policy engine (Kyverno verifyImages, Gatekeeper ' +
    'with Ratify, the Sigstore policy-controller) registered through admission webhooks. Without one, ' +
    'anyone allowed to create a pod can run any image. This is a heuristic: Watchkeeper sees whether an ' +
    'engine is registered, not what its policies say, and it does not read ValidatingAdmissionPolicies.',
  remediation: {
    summary:
      'Install an admission policy engine and enforce policies that allow only approved registries and verify ' +
      'image signatures (e.g. AWS Signer with Notation through Kyverno or Ratify); if a ' +
      'ValidatingAdmissionPolicy enforces the registry allow-list instead, waive this finding with that reason.',
    cli:
      'helm install kyverno kyverno/kyverno -n kyverno --create-namespace\n' +
      'kubectl apply -f restrict-image-registries.yaml',
    iac:
      'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: restrict-image-registries\nspec:\n' +
      '  validationFailureAction: Enforce\n  rules:\n    - name: approved-registries\n' +
      '      match: { any: [{ resources: { kinds: [Pod] } }] }\n      validate:\n' +
      '        message: images must come from the account ECR\n        pattern:\n          spec:\n' +
      '            containers:\n              - image: "111122223333.dkr.ecr.*.amazonaws.com/*"',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html',
    'https://kyverno.io/docs/writing-policies/verify-images/',
    'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/',
  ],
  evaluate(snapshot) {
    const resource = clusterResource(snapshot);
    const found = registrations(
      snapshot.k8s.validatingwebhookconfigurations,
      snapshot.k8s.mutatingwebhookconfigurations,
    );
    if (found.size > 0) {
      const engines = [...found.keys()];
      const via = [...found.values()].flat();
      return [
        pass(
          resource,
          `heuristic: admission policy engine ${engines.join(', ')} is registered (${via.join(', ')}); its ` +
            'policies are not collected, so whether they verify signatures or restrict registries is not checked.',
          { evidence: { engines: engines.join(', '), webhooks: via.join(', ') } },
        ),
      ];
    }
    const installed = new Set<string>();
    for (const crd of snapshot.k8s.customresourcedefinitions) {
      const group = crd.spec?.group ?? crd.metadata.name.slice(crd.metadata.name.indexOf('.') + 1);
      for (const engine of ENGINES) if (engine.crdGroups.includes(group)) installed.add(engine.name);
    }
    if (installed.size > 0) {
      const engines = [...installed];
      return [
        fail(
          resource,
          `heuristic: ${engines.join(', ')} is installed (its CRDs are present) but registers no admission ` +
            'webhook, so it cannot reject pods.',
          { evidence: { engines: engines.join(', '), webhooks: 0 } },
        ),
      ];
    }
    return [
      fail(
        resource,
        'heuristic: no admission policy engine (Kyverno, Gatekeeper, Ratify, Sigstore policy-controller, ' +
          'Connaisseur, Kubewarden) is registered, so nothing checks image registries or signatures before ' +
          'pods run (ValidatingAdmissionPolicies are not collected and could not be considered).',
        {
          evidence: {
            validatingWebhooks: snapshot.k8s.validatingwebhookconfigurations.length,
            mutatingWebhooks: snapshot.k8s.mutatingwebhookconfigurations.length,
          },
        },
      ),
    ];
  },
};
