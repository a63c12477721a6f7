import type { Check, Outcome } from '../../core/model.ts';
import { groupBy, namespaceOf } from '../lib/group.ts';
import { fail, pass } from '../lib/outcomes.ts';
import { accountSubjects, bindingLabel, rbacView } from '../lib/rbac.ts';
import { describe, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * CIS EKS 4.1.6: a pod gets an API token unless the pod spec or its ServiceAccount turns
 * `automountServiceAccountToken` off (the pod's setting wins).
 * https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
 */
export const rbacServiceAccountTokenAutomountDisabled: Check = {
  id: 'rbac-service-account-token-automount-disabled',
  title: 'Pods get a service account token only where they need the API',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.6' },
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['serviceaccounts', 'rolebindings', 'clusterrolebindings', ...WORKLOAD_KINDS],
  rationale:
    'By default every container can read a Kubernetes API token from ' +
    '/var/run/secrets/kubernetes.io/serviceaccount. Most applications never call the API, but an ' +
    'attacker who gets code execution in one of them can use the token to enumerate the cluster and use ' +
    'whatever rights the ServiceAccount holds. Not mounting the token removes that step for pods that do ' +
    'not need it.',
  remediation: {
    summary:
      'Set `automountServiceAccountToken: false` in the pod template (or on the ServiceAccount) of every ' +
      'workload that does not call the Kubernetes API; namespaces whose add-ons need the API can be ' +
      'allowed with tokenAutomountAllowedNamespaces.',
    cli:
      'kubectl patch deployment <name> -n <namespace> -p ' +
      '\'{"spec":{"template":{"spec":{"automountServiceAccountToken":false}}}}\'',
    iac: 'spec:\n  template:\n    spec:\n      serviceAccountName: <app>\n      automountServiceAccountToken: false',
  },
  docs: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    const allowed = new Set(params.tokenAutomountAllowedNamespaces);
    // Indexed once: a large cluster has tens of thousands of workloads, accounts and bindings.
    const accounts = groupBy(snapshot.k8s.serviceaccounts, (sa) => `${namespaceOf(sa)}/${sa.metadata.name}`);
    const subjects = accountSubjects(view);
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const namespace = workload.resource.namespace ?? 'default';
      const accountName = workload.spec.serviceAccountName || workload.spec.serviceAccount || 'default';
      const account = accounts.get(`${namespace}/${accountName}`)?.[0];
      const podSetting = workload.spec.automountServiceAccountToken;
      const accountSetting = account?.automountServiceAccountToken;
      const mounted = podSetting ?? accountSetting ?? true;
      const who = `${describe(workload.resource)} (ServiceAccount ${namespace}/${accountName})`;
      const evidence = {
        serviceAccount: `${namespace}/${accountName}`,
        podAutomount: podSetting ?? null,
        serviceAccountAutomount: accountSetting ?? null,
      };
      if (!mounted) {
        const by = podSetting === false ? 'the pod spec' : `ServiceAccount ${namespace}/${accountName}`;
        outcomes.push(
          pass(workload.resource, `${who} gets no token: ${by} turns automount off.`, { evidence }),
        );
        continue;
      }
      const reason =
        podSetting === true
          ? 'the pod spec sets automountServiceAccountToken: true'
          : account
            ? 'neither the pod spec nor the ServiceAccount sets automountServiceAccountToken: false'
            : 'the pod spec does not turn automount off and the ServiceAccount is not in the snapshot';
      if (allowed.has(namespace)) {
        outcomes.push(
          pass(
            workload.resource,
            `${who} gets a token (${reason}); namespace ${namespace} is in tokenAutomountAllowedNamespaces.`,
            { evidence: { ...evidence, allowedNamespace: namespace } },
          ),
        );
        continue;
      }
      // A token with RBAC rights behind it is worth more to an attacker: name the bindings.
      const bindings = [
        ...new Set((subjects.get(`${namespace}/${accountName}`) ?? []).map((subject) => subject.binding)),
      ];
      const rights =
        bindings.length > 0
          ? ` The account is bound through ${bindings
              .map((binding) => `${bindingLabel(binding)} → ${binding.roleId.kind} ${binding.roleId.name}`)
              .join(', ')}.`
          : '';
      outcomes.push(
        fail(workload.resource, `${who} gets an API token: ${reason}.${rights}`, {
          path: `${workload.specPath}.automountServiceAccountToken`,
          evidence: { ...evidence, boundRoles: bindings.length },
        }),
      );
    }
    return outcomes;
  },
};
