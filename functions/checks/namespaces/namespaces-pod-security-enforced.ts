import type { Check, FrameworkRef, Outcome } from '../../core/model.ts';
import { namespacesInScope } from '../lib/network.ts';
import { fail, pass, systemNamespaceLeftOut } from '../lib/outcomes.ts';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';

/** CIS EKS 4.2.1–4.2.4 are met by the baseline level; 4.2.5 (privilege escalation) needs restricted. */
const BASELINE_CIS = ['4.2.1', '4.2.2', '4.2.3', '4.2.4'];
const RESTRICTED_CIS = [...BASELINE_CIS, '4.2.5'];

const cis = (ids: readonly string[]): FrameworkRef[] =>
  ids.map((requirement) => ({ framework: 'cis-eks-1.8.0', requirement }));
const OTHER: FrameworkRef[] = [
  { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
  { framework: 'eks-best-practices', requirement: 'pod-security' },
];

/**
 * Pod Security Admission is built into the EKS API server; a namespace label turns it on.
 * CIS EKS 4.2.x ask for admission policies that keep privileged, host-namespace and
 * escalating pods out of every namespace with user workloads; catalog EKS-WL-25 (hardeneks
 * ensure_namespace_psa_exist, kubescape C-0192).
 * https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export const namespacesPodSecurityEnforced: Check = {
  id: 'namespaces-pod-security-enforced',
  title: 'Every application namespace enforces the baseline or restricted pod standard',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [...cis(RESTRICTED_CIS), ...OTHER],
  reads: ['namespaces'],
  rationale:
    'Checking running pods finds violations after the fact; Pod Security Admission stops them at the API ' +
    'server, for every way a pod can be created (controllers included). A namespace without the ' +
    '`pod-security.kubernetes.io/enforce` label, or with `privileged`, admits privileged containers, host ' +
    'namespaces and hostPath mounts from anyone allowed to create a pod there. `warn` and `audit` only ' +
    'report. The baseline level meets CIS EKS 4.2.1–4.2.4; restricted also meets 4.2.5 (no privilege ' +
    'escalation). System namespaces, whose add-ons need host access, are left out.',
  remediation: {
    summary:
      'Label each application namespace with pod-security.kubernetes.io/enforce=restricted (or baseline where ' +
      'restricted is not yet possible), after checking with a dry run which pods would be rejected; pin ' +
      'enforce-version when you need a stable policy across upgrades.',
    cli:
      'kubectl label --dry-run=server --overwrite namespace <namespace> pod-security.kubernetes.io/enforce=restricted\n' +
      'kubectl label --overwrite namespace <namespace> pod-security.kubernetes.io/enforce=restricted',
    iac:
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: <namespace>\n  labels:\n' +
      '    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/warn: restricted\n' +
      '    pod-security.kubernetes.io/audit: restricted',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-admission/',
    'https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html',
  ],
  evaluate(snapshot, params) {
    const labels = new Map(
      snapshot.k8s.namespaces.map((ns) => [ns.metadata.name, ns.metadata.labels ?? {}] as const),
    );
    const { inScope, exempt } = namespacesInScope(snapshot, params);
    const outcomes: Outcome[] = [];
    for (const namespace of inScope) {
      const resource = { apiVersion: 'v1', kind: 'Namespace', name: namespace };
      const own = labels.get(namespace) ?? {};
      const level = own[ENFORCE]?.trim();
      const version = own[ENFORCE_VERSION]?.trim();
      const evidence = {
        enforce: level ?? null,
        enforceVersion: version ?? null,
        warn: own['pod-security.kubernetes.io/warn'] ?? null,
        audit: own['pod-security.kubernetes.io/audit'] ?? null,
      };
      const at = version ? ` (version ${version})` : '';
      if (level === 'restricted') {
        outcomes.push(
          pass(resource, `Namespace ${namespace} enforces the restricted pod standard${at}.`, { evidence }),
        );
      } else if (level === 'baseline') {
        outcomes.push({
          ...pass(
            resource,
            `Namespace ${namespace} enforces the baseline pod standard${at}; restricted would also rule out ` +
              'privilege escalation (CIS 4.2.5).',
            { evidence },
          ),
          requirements: [...cis(BASELINE_CIS), ...OTHER],
        });
      } else {
        const why =
          level === undefined || level === ''
            ? 'has no enforce label'
            : level === 'privileged'
              ? 'enforces the privileged level, which allows everything'
              : `has the unrecognised enforce level "${level}" instead of baseline or restricted`;
        const reports = [
          evidence.warn ? `warn=${evidence.warn}` : '',
          evidence.audit ? `audit=${evidence.audit}` : '',
        ]
          .filter((part) => part !== '')
          .join(', ');
        outcomes.push(
          fail(
            resource,
            `Namespace ${namespace} ${why}` +
              (level === undefined || level === '' || level === 'privileged'
                ? ', so Pod Security Admission rejects no pod there'
                : '') +
              (reports ? ` (${reports}: violations are only reported).` : '.'),
            { path: `metadata.labels["${ENFORCE}"]`, evidence },
          ),
        );
      }
    }
    for (const namespace of exempt) {
      outcomes.push(systemNamespaceLeftOut(namespace));
    }
    return outcomes;
  },
};
