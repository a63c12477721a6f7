import type { Check, Outcome } from '../../core/model.ts';
import { isRedacted, REDACTED } from '../../core/redaction.ts';
import { likelyConfigurationName } from '../lib/credentials.ts';
import { fail, pass } from '../lib/outcomes.ts';
import { containerLabel } from '../lib/pod-security.ts';
import { containersOf, describeWorkload, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

const HANDLERS = ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'] as const;

/**
 * A credential typed into a pod spec is stored in plain text in the workload object, its
 * ReplicaSets, etcd backups, Helm releases and Git. The collector redacts such values before
 * the snapshot is made; this check reports where the marker is, never a value. Catalog
 * EKS-SEC-02 (kubescape C-0012, Polaris sensitiveContainerEnvVar, Trivy KSV-0109).
 * `pod-secrets-not-in-env` separately reports Secrets passed through environment variables.
 * https://kubernetes.io/docs/concepts/security/secrets-good-practices/
 */
export const secretsNoHardcodedCredentials: Check = {
  id: 'secrets-no-hardcoded-credentials',
  title: 'No credential is written literally into a pod spec',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'secrets' },
    { framework: 'eks-best-practices', requirement: 'secrets-management' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    'A password, access key or token written as an environment variable value, a command-line argument or ' +
    'a probe header is part of the workload object: anyone who can read Deployments or Pods (far more ' +
    'people and tools than can read Secrets) sees it, it is copied into every ReplicaSet revision and Helm ' +
    'release, and it lives on in Git history. Static AWS access keys found this way are a direct path into ' +
    'the account. Watchkeeper flags the values it redacted at collection: credential-like names (PASSWORD, ' +
    'TOKEN, SECRET, API_KEY …) with literal values, and values shaped like access keys, private keys, tokens ' +
    'or URLs with embedded passwords. Environment variables whose sensitive-looking name denotes ' +
    'configuration (`GF_AUTH_ANONYMOUS_ORG_ROLE`, `OAUTH_TOKEN_URL`) are not counted (heuristic).',
  remediation: {
    summary:
      'Rotate the credential now, then deliver it from a Secret or AWS Secrets Manager (Secrets Store CSI ' +
      'driver) as a mounted file; for AWS access use IRSA or EKS Pod Identity instead of static keys.',
    cli:
      'aws iam update-access-key --access-key-id <id> --status Inactive --user-name <user>\n' +
      'kubectl create secret generic <name> -n <namespace> --from-literal=<key>=<value>',
    iac:
      'volumes:\n  - name: credentials\n    secret:\n      secretName: <name>\ncontainers:\n  - name: app\n' +
      '    volumeMounts:\n      - name: credentials\n        mountPath: /var/run/secrets/app\n        readOnly: true',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    'https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const name = describeWorkload(workload);
      const failures: Outcome[] = [];
      const skipped: string[] = [];
      for (const ref of containersOf(workload)) {
        const subject = `${name}: ${containerLabel(ref)}`;
        const container = ref.container;
        container.env?.forEach((variable, index) => {
          if (!isRedacted(variable.value)) return;
          if (likelyConfigurationName(variable.name)) {
            skipped.push(variable.name);
            return;
          }
          failures.push(
            fail(
              workload.resource,
              `${subject} sets environment variable ${variable.name} to a literal credential (redacted by ` +
                'Watchkeeper, never stored).',
              {
                path: `${ref.path}.env[${index}].value`,
                evidence: { container: container.name, variable: variable.name },
              },
            ),
          );
        });
        for (const field of ['command', 'args'] as const) {
          container[field]?.forEach((word, index) => {
            if (!word.includes(REDACTED)) return;
            failures.push(
              fail(
                workload.resource,
                `${subject} passes a literal credential in its ${field} (redacted by Watchkeeper, never stored).`,
                { path: `${ref.path}.${field}[${index}]`, evidence: { container: container.name, field } },
              ),
            );
          });
        }
        for (const field of HANDLERS) {
          const handler = container[field];
          if (handler === undefined || !JSON.stringify(handler).includes(REDACTED)) continue;
          failures.push(
            fail(
              workload.resource,
              `${subject} has a literal credential in its ${field} (redacted by Watchkeeper, never stored).`,
              { path: `${ref.path}.${field}`, evidence: { container: container.name, field } },
            ),
          );
        }
      }
      outcomes.push(
        ...(failures.length > 0
          ? failures
          : [
              pass(
                workload.resource,
                `${name} has no literal credential in its pod spec` +
                  (skipped.length > 0
                    ? ` (heuristic: the redacted value of ${skipped.join(', ')} was not counted, since the ` +
                      'name denotes configuration rather than a secret).'
                    : '.'),
                skipped.length > 0 ? { evidence: { redactedConfigurationNames: skipped.join(', ') } } : {},
              ),
            ]),
      );
    }
    return outcomes;
  },
};
