import type {
  CheckSummary,
  Finding,
  FrameworkRef,
  ResourceRef,
  Responsibility,
  ScanResult,
  Severity,
  Status,
  Waiver,
} from '../../functions/core/model.ts';
import { SCHEMA_VERSION } from '../../functions/core/model.ts';
import { computeScores, rollUpStatus, zeroCounts } from '../../functions/core/scoring.ts';
import type { ReportCheckInfo } from '../../functions/report/view-model.ts';

/**
 * A hand-built scan result and catalog for the report tests (the real catalog is written
 * elsewhere). Roll-ups and scores come from the core's own scoring so they stay consistent.
 */

export const XSS_RESOURCE = '<img src=x onerror=alert(1)>';
export const XSS_MESSAGE = 'container runs privileged <script>alert(1)</script>';
export const XSS_LABEL = '"><svg onload=alert(1)>';

interface CheckSpec {
  id: string;
  title: string;
  severity: Severity;
  responsibility: Responsibility;
  frameworks?: FrameworkRef[];
  outcomes: Array<{
    status: Status;
    resource: ResourceRef;
    message: string;
    path?: string;
    evidence?: Finding['evidence'];
    waiver?: Finding['waiver'];
  }>;
  reason?: string;
  info?: Omit<ReportCheckInfo, 'id' | 'title'>;
}

const cluster: ResourceRef = { kind: 'Cluster', name: 'prod-eu-1' };

function pods(count: number, status: Status, namespace = 'shop'): CheckSpec['outcomes'] {
  return Array.from({ length: count }, (_, index) => ({
    status,
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: `web-${index}` },
    message: `Deployment ${namespace}/web-${index} uses image nginx:latest`,
    path: 'spec.template.spec.containers[0].image',
  }));
}

const docs = (path: string) => [`https://docs.aws.amazon.com/eks/latest/userguide/${path}`];

export const SPECS: CheckSpec[] = [
  {
    id: 'aws-control-plane-availability',
    title: 'Control plane runs across three Availability Zones',
    severity: 'high',
    responsibility: 'aws',
    frameworks: [{ framework: 'eks-best-practices', requirement: 'reliability' }],
    outcomes: [{ status: 'inherited', resource: cluster, message: 'Operated by AWS.' }],
  },
  {
    id: 'aws-etcd-encrypted-at-rest',
    title: 'etcd volumes are encrypted at rest',
    severity: 'medium',
    responsibility: 'aws',
    frameworks: [{ framework: 'cis-eks-1.8.0', requirement: '1.1' }],
    outcomes: [{ status: 'inherited', resource: cluster, message: 'Operated by AWS.' }],
  },
  {
    id: 'eks-logging-control-plane-enabled',
    title: 'All control-plane log types are enabled',
    severity: 'high',
    responsibility: 'shared',
    frameworks: [
      { framework: 'cis-eks-1.8.0', requirement: '2.1.1' },
      { framework: 'nsa-cisa-1.2', requirement: 'logging' },
    ],
    outcomes: [
      {
        status: 'fail',
        resource: {
          kind: 'Cluster',
          name: 'prod-eu-1',
          arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-1',
        },
        message: 'Log types audit, authenticator are not enabled.',
        path: 'logging.clusterLogging',
        evidence: { enabled: 'api,controllerManager,scheduler', missing: 'audit,authenticator' },
      },
    ],
    info: {
      rationale:
        'Without the audit and authenticator logs, nobody can reconstruct who did what through the API server.',
      remediation: {
        summary: 'Enable every control-plane log type.',
        cli: 'aws eks update-cluster-config --name prod-eu-1 \\\n  --logging \'{"clusterLogging":[{"types":["api","audit","authenticator","controllerManager","scheduler"],"enabled":true}]}\'',
        iac: "new eks.Cluster(this, 'Cluster', {\n  clusterLogging: [eks.ClusterLoggingTypes.AUDIT, eks.ClusterLoggingTypes.AUTHENTICATOR],\n});",
      },
      docs: [...docs('control-plane-logs.html'), 'javascript:alert(1)'],
    },
  },
  {
    id: 'eks-secrets-encrypted-with-kms',
    title: 'Secrets are encrypted with a customer KMS key',
    severity: 'critical',
    responsibility: 'shared',
    frameworks: [{ framework: 'cis-eks-1.8.0', requirement: '5.3.1' }],
    outcomes: [{ status: 'pass', resource: cluster, message: 'Envelope encryption with a KMS key is on.' }],
  },
  {
    id: 'eks-version-supported',
    title: 'Kubernetes version is in standard support',
    severity: 'medium',
    responsibility: 'shared',
    outcomes: [
      {
        status: 'not_evaluated',
        resource: cluster,
        message: 'could not read eks.versions (throttled): Rate exceeded',
      },
    ],
    reason: 'could not read eks.versions (throttled): Rate exceeded',
  },
  {
    id: 'pod-no-privileged-containers',
    title: 'No container runs privileged',
    severity: 'critical',
    responsibility: 'customer',
    frameworks: [
      { framework: 'pss-baseline', requirement: 'privileged' },
      { framework: 'cis-eks-1.8.0', requirement: '4.2.1' },
    ],
    outcomes: [
      {
        status: 'fail',
        resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: XSS_RESOURCE },
        message: XSS_MESSAGE,
        path: 'spec.containers[0].securityContext.privileged',
        evidence: { container: XSS_LABEL, privileged: true },
      },
      {
        status: 'fail',
        resource: { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: XSS_LABEL, name: 'node-agent' },
        message: 'DaemonSet node-agent runs container agent privileged.',
        path: 'spec.template.spec.containers[0].securityContext.privileged',
      },
      {
        status: 'pass',
        resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
        message: 'No privileged container.',
      },
    ],
    info: {
      rationale:
        'A privileged container has every capability and the host devices: escaping it gives root on the node.',
      remediation: {
        summary:
          'Remove securityContext.privileged, or set it to false, and grant only the capabilities needed.',
        iac: 'securityContext:\n  privileged: false\n  allowPrivilegeEscalation: false',
      },
      docs: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/'],
    },
  },
  {
    id: 'rbac-no-wildcard-rules',
    title: 'Roles grant no wildcard verbs or resources',
    severity: 'high',
    responsibility: 'customer',
    frameworks: [{ framework: 'cis-eks-1.8.0', requirement: '4.1.3' }],
    outcomes: [
      {
        status: 'fail',
        resource: { kind: 'ClusterRole', name: 'ops-everything' },
        message: 'ClusterRole ops-everything grants * on *.',
        path: 'rules[0]',
      },
      {
        status: 'waived',
        resource: { kind: 'Role', namespace: 'ci', name: 'deployer' },
        message: 'Role ci/deployer grants * on deployments.',
        path: 'rules[2].verbs',
        waiver: {
          id: 'w-ci-deployer',
          owner: 'platform-team',
          reason: 'CI migration, INC-4411',
          expires: '2099-06-30',
        },
      },
    ],
    info: {
      rationale: 'Wildcards grant every current and future permission, including ones not yet invented.',
      remediation: { summary: 'List the verbs and resources the role needs.' },
      docs: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
    },
  },
  {
    id: 'image-tag-pinned',
    title: 'Images are pinned by digest or immutable tag',
    severity: 'low',
    responsibility: 'customer',
    frameworks: [{ framework: 'eks-best-practices', requirement: 'image-security' }],
    outcomes: [...pods(250, 'fail'), ...pods(3, 'pass', 'payments')],
    info: {
      rationale: 'A mutable tag can be repointed; what runs is not what was reviewed.',
      remediation: { summary: 'Reference images by digest (`image@sha256:…`).' },
      docs: [],
    },
  },
  {
    id: 'netpol-default-deny',
    title: 'Every namespace has a default-deny network policy',
    severity: 'medium',
    responsibility: 'customer',
    frameworks: [{ framework: 'nsa-cisa-1.2', requirement: 'network-separation' }],
    outcomes: [
      {
        status: 'fail',
        resource: { kind: 'Namespace', name: 'shop' },
        message: 'Namespace shop has no default-deny ingress policy.',
      },
    ],
  },
  {
    id: 'pod-run-as-non-root',
    title: 'Containers run as a non-root user',
    severity: 'medium',
    responsibility: 'customer',
    frameworks: [{ framework: 'pss-restricted', requirement: 'runAsNonRoot' }],
    outcomes: [
      {
        status: 'waived',
        resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'legacy', name: 'billing' },
        message: 'Deployment legacy/billing may run as root.',
        path: 'spec.template.spec.securityContext.runAsNonRoot',
        waiver: {
          id: 'w-legacy',
          owner: 'billing-team',
          reason: 'Vendor image, replacement Q3',
          expires: '2099-09-30',
        },
      },
    ],
  },
  {
    id: 'rbac-cluster-admin-limited',
    title: 'cluster-admin is bound only to allowed subjects',
    severity: 'high',
    responsibility: 'customer',
    frameworks: [{ framework: 'cis-eks-1.8.0', requirement: '4.1.1' }],
    outcomes: [{ status: 'pass', resource: cluster, message: 'Only system:masters holds cluster-admin.' }],
  },
  {
    id: 'image-signature-verified',
    title: 'Image signatures are verified at admission',
    severity: 'high',
    responsibility: 'customer',
    outcomes: [
      {
        status: 'manual',
        resource: cluster,
        message: 'Attest that an admission controller verifies image signatures.',
      },
    ],
    info: {
      rationale: 'Signature verification stops images that did not come from your pipeline.',
      remediation: { summary: 'Deploy a verifying admission policy (e.g. Kyverno verifyImages).' },
      docs: ['https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html'],
    },
  },
  {
    id: 'kubelet-anonymous-auth-disabled',
    title: 'Kubelet anonymous authentication is off',
    severity: 'critical',
    responsibility: 'customer',
    frameworks: [{ framework: 'cis-eks-1.8.0', requirement: '3.2.1' }],
    outcomes: [
      {
        status: 'not_evaluated',
        resource: cluster,
        message: 'could not read nodes (forbidden): nodes is forbidden',
      },
    ],
    reason: 'could not read nodes (forbidden): nodes is forbidden',
  },
  {
    id: 'ns-default-unused',
    title: 'Workloads do not run in the default namespace',
    severity: 'low',
    responsibility: 'customer',
    outcomes: [],
  },
  {
    id: 'svc-no-nodeport',
    title: 'No Service is exposed through a NodePort',
    severity: 'info',
    responsibility: 'customer',
    outcomes: [
      {
        status: 'fail',
        resource: { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'debug' },
        message: 'Service shop/debug is a NodePort on 30080.',
        path: 'spec.type',
      },
    ],
  },
];

const EXPIRED: Waiver = {
  id: 'w-old-hostpath',
  checkId: 'pod-no-host-path',
  scope: { cluster: 'prod-*', namespace: 'monitoring', kind: 'DaemonSet' },
  reason: 'node-exporter needs /proc',
  owner: 'sre',
  expires: '2025-01-31',
};

export function sampleResult(specs: readonly CheckSpec[] = SPECS): ScanResult {
  const findings: Finding[] = [];
  const checks: CheckSummary[] = [];
  for (const spec of specs) {
    const frameworks = spec.frameworks ?? [];
    const counts = zeroCounts();
    for (const outcome of spec.outcomes) {
      counts[outcome.status] += 1;
      findings.push({
        ...outcome,
        checkId: spec.id,
        severity: spec.severity,
        responsibility: spec.responsibility,
        frameworks,
      });
    }
    const status = rollUpStatus(spec.outcomes.map((outcome) => outcome.status));
    checks.push({
      checkId: spec.id,
      title: spec.title,
      severity: spec.severity,
      responsibility: spec.responsibility,
      frameworks,
      status,
      counts,
      ...(spec.reason ? { reason: spec.reason } : {}),
    });
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    scanId: '20260301T020000Z-a1b2',
    cluster: {
      name: 'prod-eu-1',
      accountId: '123456789012',
      region: 'eu-west-1',
      arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-1',
    },
    source: 'kubernetes-api',
    startedAt: '2026-03-01T02:00:00.000Z',
    finishedAt: '2026-03-01T02:01:12.400Z',
    collectedAt: '2026-03-01T02:00:41.000Z',
    findings,
    checks,
    scores: computeScores(checks),
    gaps: [
      {
        kind: 'nodes',
        reason: 'forbidden',
        message: 'nodes is forbidden: User "watchkeeper" cannot list nodes',
      },
    ] as ScanResult['gaps'],
    waivers: {
      applied: [
        {
          id: 'w-ci-deployer',
          checkId: 'rbac-no-wildcard-rules',
          scope: { namespace: 'ci', kind: 'Role', name: 'deployer' },
          reason: 'CI migration, INC-4411',
          owner: 'platform-team',
          expires: '2099-06-30',
        },
        {
          id: 'w-legacy',
          checkId: 'pod-run-as-non-root',
          scope: { namespace: 'legacy' },
          reason: 'Vendor image, replacement Q3',
          owner: 'billing-team',
          expires: '2099-09-30',
        },
      ],
      expired: [EXPIRED],
      unused: [],
    },
  };
}

export function sampleCatalog(specs: readonly CheckSpec[] = SPECS): ReportCheckInfo[] {
  return specs.map((spec) => ({
    id: spec.id,
    title: spec.title,
    rationale: spec.info?.rationale ?? `Why ${spec.title.toLowerCase()} matters.`,
    remediation: spec.info?.remediation ?? { summary: `Make it so: ${spec.title.toLowerCase()}.` },
    docs: spec.info?.docs ?? ['https://docs.aws.amazon.com/eks/latest/best-practices/security.html'],
  }));
}

/** Names and messages that try to break each output format. */
export const HOSTILE = {
  cdataEnd: 'x]]><y>',
  controls: 'bell\u0007esc\u001b[31mnul\u0000',
  loneSurrogate: 'half\ud800pair',
  formula: '=HYPERLINK("http://evil.example","click")',
  plus: '+1+cmd|/C calc!A0',
  minus: '-2+3',
  at: '@SUM(A1:A2)',
  tab: '\tleading-tab',
  quotesAndCommas: 'say "hi", then, bye',
  lines: 'line one\r\nline two\nline three',
  markup: '<script>alert(1)</script>&amp;',
  emoji: 'pod-🚀-名前',
} as const;

const HOSTILE_SPEC: CheckSpec = {
  id: 'hostile-names-check',
  title: 'A check whose findings carry hostile text',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [{ framework: 'cis-eks-1.8.0', requirement: '4.6.1' }],
  outcomes: [
    {
      status: 'fail',
      resource: { kind: 'Pod', namespace: HOSTILE.cdataEnd, name: HOSTILE.controls },
      message: `${HOSTILE.markup} ${HOSTILE.cdataEnd} ${HOSTILE.loneSurrogate}`,
      path: HOSTILE.lines,
      evidence: { [HOSTILE.quotesAndCommas]: HOSTILE.controls },
    },
    {
      status: 'fail',
      resource: { kind: 'Pod', namespace: HOSTILE.formula, name: HOSTILE.plus },
      message: HOSTILE.minus,
      path: HOSTILE.at,
    },
    {
      status: 'not_evaluated',
      resource: { kind: 'Pod', namespace: 'x', name: HOSTILE.tab },
      message: `${HOSTILE.quotesAndCommas} ${HOSTILE.emoji}`,
    },
    {
      status: 'manual',
      resource: { kind: 'Pod', namespace: 'x', name: HOSTILE.emoji },
      message: HOSTILE.lines,
    },
  ],
};

/** The sample result plus one check whose findings carry every string in HOSTILE. */
export function hostileResult(): ScanResult {
  return sampleResult([...SPECS, HOSTILE_SPEC]);
}

export function hostileCatalog(): ReportCheckInfo[] {
  return sampleCatalog([...SPECS, HOSTILE_SPEC]);
}
