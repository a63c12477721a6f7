import type { Check, Outcome } from '../../core/model.ts';
import { isRedacted } from '../../core/redaction.ts';
import { fail } from '../lib/outcomes.ts';
import { containerLabel, outcomesOf } from '../lib/pod-security.ts';
import { containersOf, describeWorkload, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * Secrets in environment variables leak through process listings, crash dumps, debug
 * endpoints and child processes; a literal credential in a manifest leaks to everyone who can
 * read the workload. CIS EKS 4.4.1: https://kubernetes.io/docs/concepts/security/secrets-good-practices/
 *
 * Values are never read here: the collector has already replaced credential-like literals with
 * the redaction marker, and only the marker's presence is reported.
 */
export const podSecretsNotInEnv: Check = {
  id: 'pod-secrets-not-in-env',
  title: 'Secrets reach containers as mounted files, not environment variables',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.4.1' },
    { framework: 'nsa-cisa-1.2', requirement: 'secrets' },
    { framework: 'eks-best-practices', requirement: 'secrets-management' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    'Environment variables are copied into every child process, printed by debugging tools and crash ' +
    'reporters, visible in /proc to anything sharing the PID namespace, and never updated when the Secret ' +
    'rotates. Mounted secret files can be read-only, scoped to one container and refreshed in place. A ' +
    'credential written literally into a manifest is worse still: it is stored in plain text in the workload ' +
    'object, in version control and in every tool that reads the cluster.',
  remediation: {
    summary:
      'Mount Secrets as read-only volumes (or use the Secrets Store CSI driver with AWS Secrets Manager) and ' +
      'have the application read the file; move any literal credential out of the manifest into a Secret ' +
      'or an external secret store, and rotate it, since it has been exposed.',
    cli: 'kubectl create secret generic <name> --from-file=<key>=<path> -n <namespace>',
    iac:
      'volumes:\n  - name: db-credentials\n    secret:\n      secretName: db-credentials\n' +
      'containers:\n  - name: app\n    volumeMounts:\n      - name: db-credentials\n' +
      '        mountPath: /var/run/secrets/db\n        readOnly: true',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/integrating_csi_driver.html',
    'https://aws.github.io/aws-eks-best-practices/security/docs/data/',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const failures: Outcome[] = [];
      for (const ref of containersOf(workload)) {
        const subject = `${describeWorkload(workload)}: ${containerLabel(ref)}`;
        ref.container.env?.forEach((variable, index) => {
          const secretRef = variable.valueFrom?.secretKeyRef;
          if (secretRef) {
            failures.push(
              fail(
                workload.resource,
                `${subject} reads Secret ${secretRef.name ?? '(unnamed)'} key ${secretRef.key ?? '(unnamed)'} ` +
                  `into environment variable ${variable.name}; mount it as a file instead.`,
                {
                  path: `${ref.path}.env[${index}].valueFrom.secretKeyRef`,
                  evidence: {
                    container: ref.container.name,
                    variable: variable.name,
                    secret: secretRef.name ?? null,
                    key: secretRef.key ?? null,
                  },
                },
              ),
            );
          } else if (isRedacted(variable.value)) {
            failures.push(
              fail(
                workload.resource,
                `${subject}: a credential-like literal value is set in env var ${variable.name}; it was ` +
                  'redacted by Watchkeeper and never stored. Move it to a Secret mounted as a file and rotate it.',
                {
                  path: `${ref.path}.env[${index}].value`,
                  evidence: {
                    container: ref.container.name,
                    variable: variable.name,
                    literalCredential: true,
                  },
                },
              ),
            );
          }
        });
        ref.container.envFrom?.forEach((source, index) => {
          if (!source.secretRef) return;
          const name = source.secretRef.name ?? '(unnamed)';
          failures.push(
            fail(
              workload.resource,
              `${subject} loads every key of Secret ${name} into environment variables; mount it as files instead.`,
              {
                path: `${ref.path}.envFrom[${index}].secretRef`,
                evidence: { container: ref.container.name, secret: source.secretRef.name ?? null },
              },
            ),
          );
        });
      }
      outcomes.push(
        ...outcomesOf(
          workload,
          failures,
          'passes no Secret and no literal credential through environment variables.',
        ),
      );
    }
    return outcomes;
  },
};
