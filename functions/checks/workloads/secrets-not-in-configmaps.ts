import type { Check, Outcome } from '../../core/model.ts';
import { isRedacted, REDACTED } from '../../core/redaction.ts';
import { likelyConfigurationName } from '../lib/credentials.ts';
import { fail, notEvaluated, pass } from '../lib/outcomes.ts';

/** The marker the collector leaves for a value too large to keep (and so never examined). */
const DROPPED = /^\[dropped by watchkeeper: \d+ characters\]$/;

/** `data.LOG_LEVEL`, or `data["app.properties"]` for keys that are not identifiers. */
function dataPath(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `data.${key}` : `data[${JSON.stringify(key)}]`;
}

/**
 * ConfigMaps are not meant for secrets: they are readable by every role that can read
 * configuration, printed by `kubectl describe` and stored unencrypted by GitOps tools. The
 * collector redacts credential-like values before the snapshot is made; the redaction marker
 * is what this check reports, never a value. Catalog EKS-SEC-02 (kubescape C-0012, Polaris
 * sensitiveConfigmapContent, Trivy KSV-01010).
 * https://kubernetes.io/docs/concepts/configuration/configmap/
 */
export const secretsNotInConfigmaps: Check = {
  id: 'secrets-not-in-configmaps',
  title: 'ConfigMaps hold no credentials',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'secrets' },
    { framework: 'eks-best-practices', requirement: 'secrets-management' },
  ],
  reads: ['configmaps'],
  rationale:
    'Secrets get protections ConfigMaps do not: envelope encryption with your KMS key, narrower RBAC (many ' +
    'roles and tools read every ConfigMap, including the built-in view role), redaction in kubectl output ' +
    'and integrations with external secret stores. A password, key or token in a ConfigMap is readable by ' +
    'anyone who can read configuration in the namespace and usually sits in version control as well. ' +
    'Watchkeeper flags values it redacted at collection (a credential-like key name such as "password", or ' +
    'a value shaped like an access key, private key, token or URL with credentials); values too large to ' +
    'keep were never examined and are reported as not evaluated.',
  remediation: {
    summary:
      'Move the credential into a Secret (or AWS Secrets Manager through the Secrets Store CSI driver or ' +
      'External Secrets), reference it from the workload as a mounted file, remove it from the ConfigMap ' +
      'and its history, and rotate it: it has been exposed.',
    cli:
      'kubectl create secret generic <name> -n <namespace> --from-literal=<key>=<value>\n' +
      'kubectl patch configmap <name> -n <namespace> --type=json -p \'[{"op":"remove","path":"/data/<key>"}]\'',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/configuration/configmap/',
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const configMap of snapshot.k8s.configmaps) {
      const namespace = configMap.metadata.namespace ?? 'default';
      const resource = { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: configMap.metadata.name };
      const name = `ConfigMap ${namespace}/${configMap.metadata.name}`;
      const findings: Outcome[] = [];
      const skipped: string[] = [];
      for (const [key, value] of Object.entries(configMap.data ?? {})) {
        if (isRedacted(value) && likelyConfigurationName(key)) {
          skipped.push(key);
        } else if (isRedacted(value)) {
          findings.push(
            fail(
              resource,
              `${name}: key ${key} holds a credential-like value (redacted by Watchkeeper, never stored); move it ` +
                'to a Secret and rotate it.',
              { path: dataPath(key), evidence: { key, whole: true } },
            ),
          );
        } else if (value.includes(REDACTED)) {
          findings.push(
            fail(
              resource,
              `${name}: key ${key} is a configuration text with credential-like values in it (redacted by ` +
                'Watchkeeper, never stored); move them to a Secret and rotate them.',
              { path: dataPath(key), evidence: { key, whole: false } },
            ),
          );
        } else if (DROPPED.test(value)) {
          findings.push(
            notEvaluated(
              resource,
              `${name}: key ${key} was too large to collect (${value.slice(1, -1)}), so it was not examined.`,
              { path: dataPath(key), evidence: { key } },
            ),
          );
        }
      }
      const keys = Object.keys(configMap.data ?? {}).length;
      const note =
        skipped.length > 0
          ? ` (heuristic: the redacted value of ${skipped.join(', ')} was not counted, since the key denotes ` +
            'configuration rather than a secret)'
          : '';
      outcomes.push(
        ...(findings.length > 0
          ? findings
          : [
              pass(resource, `${name} holds no credential-like value (${keys} key(s))${note}.`, {
                ...(skipped.length > 0
                  ? { evidence: { redactedConfigurationKeys: skipped.join(', ') } }
                  : {}),
              }),
            ]),
      );
    }
    return outcomes;
  },
};
