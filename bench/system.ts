import type { Json, JsonObject } from './objects.ts';

/**
 * The cluster-scoped objects every EKS cluster carries (built-in RBAC with its aggregated
 * roles, EKS's own roles and bindings), plus the CRDs and webhooks of common add-ons. Rule
 * sets are abridged from a real EKS 1.31 cluster; their shapes and sizes are what matter here.
 */

interface Named {
  meta: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  body: JsonObject;
}

const RBAC_DEFAULTS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

function rule(apiGroups: string[], resources: string[], verbs: string[]): JsonObject {
  return { apiGroups, resources, verbs };
}

const VIEW_RULES: JsonObject[] = [
  rule(
    [''],
    [
      'configmaps',
      'endpoints',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'pods',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/status',
    ],
    READ,
  ),
  rule(
    [''],
    [
      'bindings',
      'events',
      'limitranges',
      'namespaces/status',
      'pods/log',
      'pods/status',
      'replicationcontrollers/status',
      'resourcequotas',
      'resourcequotas/status',
    ],
    READ,
  ),
  rule([''], ['namespaces'], READ),
  rule(['discovery.k8s.io'], ['endpointslices'], READ),
  rule(
    ['apps'],
    [
      'controllerrevisions',
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
    ],
    READ,
  ),
  rule(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], READ),
  rule(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], READ),
  rule(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], READ),
  rule(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], READ),
];

const EDIT_RULES: JsonObject[] = [
  rule(
    [''],
    ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'],
    READ,
  ),
  rule([''], ['serviceaccounts'], ['impersonate']),
  rule([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], WRITE),
  rule([''], ['pods/eviction'], ['create']),
  rule(
    [''],
    [
      'configmaps',
      'events',
      'persistentvolumeclaims',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'secrets',
      'serviceaccounts',
      'services',
      'services/proxy',
    ],
    WRITE,
  ),
  rule([''], ['serviceaccounts/token'], ['create']),
  rule(
    ['apps'],
    [
      'daemonsets',
      'deployments',
      'deployments/rollback',
      'deployments/scale',
      'replicasets',
      'replicasets/scale',
      'statefulsets',
      'statefulsets/scale',
    ],
    WRITE,
  ),
  rule(['autoscaling'], ['horizontalpodautoscalers'], WRITE),
  rule(['batch'], ['cronjobs', 'jobs'], WRITE),
  rule(['networking.k8s.io'], ['ingresses', 'networkpolicies'], WRITE),
  ...VIEW_RULES,
];

const ADMIN_RULES: JsonObject[] = [
  rule(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
  rule(['rbac.authorization.k8s.io'], ['rolebindings', 'roles'], [...WRITE, ...READ]),
  ...EDIT_RULES,
];

const CONTROLLERS = [
  'attachdetach-controller',
  'certificate-controller',
  'clusterrole-aggregation-controller',
  'cronjob-controller',
  'daemon-set-controller',
  'deployment-controller',
  'disruption-controller',
  'endpoint-controller',
  'endpointslice-controller',
  'endpointslicemirroring-controller',
  'ephemeral-volume-controller',
  'expand-controller',
  'generic-garbage-collector',
  'horizontal-pod-autoscaler',
  'job-controller',
  'legacy-service-account-token-cleaner',
  'namespace-controller',
  'node-controller',
  'persistent-volume-binder',
  'pod-garbage-collector',
  'pv-protection-controller',
  'pvc-protection-controller',
  'replicaset-controller',
  'replication-controller',
  'resourcequota-controller',
  'root-ca-cert-publisher',
  'route-controller',
  'service-account-controller',
  'service-controller',
  'statefulset-controller',
  'ttl-after-finished-controller',
  'ttl-controller',
  'validatingadmissionpolicy-status-controller',
];

function controllerRules(name: string): JsonObject[] {
  if (
    name === 'clusterrole-aggregation-controller' ||
    name === 'generic-garbage-collector' ||
    name === 'namespace-controller'
  ) {
    return [
      rule(
        ['*'],
        ['*'],
        name === 'namespace-controller'
          ? ['delete', 'deletecollection', 'get', 'list']
          : ['escalate', 'get', 'list', 'patch', 'update', 'watch'],
      ),
    ];
  }
  return [
    rule(
      ['', 'apps', 'batch'],
      ['pods', 'replicasets', 'jobs', 'events', 'endpoints'],
      [...READ, 'create', 'patch', 'update'],
    ),
    rule([''], ['events'], ['create', 'patch', 'update']),
    rule(['events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  ];
}

export const SYSTEM_CLUSTER_ROLES: readonly Named[] = [
  {
    meta: { name: 'cluster-admin', labels: RBAC_DEFAULTS, annotations: AUTOUPDATE },
    body: { rules: [rule(['*'], ['*'], ['*']), { nonResourceURLs: ['*'], verbs: ['*'] }] },
  },
  {
    meta: { name: 'admin', labels: RBAC_DEFAULTS, annotations: AUTOUPDATE },
    body: {
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }],
      },
      rules: ADMIN_RULES as Json,
    },
  },
  {
    meta: {
      name: 'edit',
      labels: { ...RBAC_DEFAULTS, 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' },
      annotations: AUTOUPDATE,
    },
    body: {
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }],
      },
      rules: EDIT_RULES as Json,
    },
  },
  {
    meta: {
      name: 'view',
      labels: { ...RBAC_DEFAULTS, 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' },
      annotations: AUTOUPDATE,
    },
    body: {
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }],
      },
      rules: VIEW_RULES as Json,
    },
  },
  ...(['admin', 'edit', 'view'] as const).map((level) => ({
    meta: {
      name: `system:aggregate-to-${level}`,
      labels: { ...RBAC_DEFAULTS, [`rbac.authorization.k8s.io/aggregate-to-${level}`]: 'true' },
      annotations: AUTOUPDATE,
    },
    body: {
      rules: (level === 'admin'
        ? ADMIN_RULES.slice(0, 2)
        : level === 'edit'
          ? EDIT_RULES.slice(0, 10)
          : VIEW_RULES) as Json,
    },
  })),
  ...[
    [
      'system:basic-user',
      [rule(['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], ['create'])],
    ],
    [
      'system:discovery',
      [
        {
          nonResourceURLs: [
            '/api',
            '/api/*',
            '/apis',
            '/apis/*',
            '/healthz',
            '/livez',
            '/openapi',
            '/openapi/*',
            '/readyz',
            '/version',
            '/version/',
          ],
          verbs: ['get'],
        },
      ],
    ],
    [
      'system:public-info-viewer',
      [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }],
    ],
    [
      'system:node',
      [
        rule(
          [''],
          ['nodes', 'nodes/status', 'pods', 'pods/status', 'configmaps', 'secrets'],
          [...READ, 'create', 'patch', 'update'],
        ),
      ],
    ],
    [
      'system:node-proxier',
      [
        rule([''], ['endpoints', 'services', 'nodes'], READ),
        rule([''], ['events'], ['create', 'patch', 'update']),
      ],
    ],
    [
      'system:node-bootstrapper',
      [rule(['certificates.k8s.io'], ['certificatesigningrequests'], ['create', 'get', 'list', 'watch'])],
    ],
    ['system:kube-dns', [rule([''], ['endpoints', 'services'], ['list', 'watch'])]],
    [
      'system:kube-scheduler',
      [
        rule(
          ['', 'events.k8s.io'],
          ['events', 'pods', 'bindings', 'pods/binding', 'nodes'],
          [...READ, 'create', 'patch', 'update'],
        ),
      ],
    ],
    [
      'system:kube-controller-manager',
      [
        rule(
          ['', 'coordination.k8s.io'],
          ['secrets', 'serviceaccounts', 'leases', 'configmaps'],
          [...READ, 'create', 'update'],
        ),
      ],
    ],
    [
      'system:volume-scheduler',
      [rule([''], ['persistentvolumes', 'persistentvolumeclaims'], [...READ, 'patch', 'update'])],
    ],
    [
      'system:auth-delegator',
      [
        rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
        rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
      ],
    ],
    ['system:heapster', [rule(['', 'apps'], ['events', 'namespaces', 'nodes', 'pods', 'deployments'], READ)]],
    [
      'system:monitoring',
      [
        {
          nonResourceURLs: [
            '/healthz',
            '/healthz/*',
            '/livez',
            '/livez/*',
            '/metrics',
            '/metrics/slis',
            '/readyz',
            '/readyz/*',
          ],
          verbs: ['get'],
        },
      ],
    ],
    [
      'system:service-account-issuer-discovery',
      [{ nonResourceURLs: ['/.well-known/openid-configuration', '/openid/v1/jwks'], verbs: ['get'] }],
    ],
    [
      'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
      [rule(['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'], ['create'])],
    ],
    [
      'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
      [rule(['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient'], ['create'])],
    ],
    [
      'system:certificates.k8s.io:kube-apiserver-client-approver',
      [rule(['certificates.k8s.io'], ['signers'], ['approve'])],
    ],
    [
      'system:certificates.k8s.io:legacy-unknown-approver',
      [rule(['certificates.k8s.io'], ['signers'], ['approve'])],
    ],
    [
      'system:persistent-volume-provisioner',
      [rule([''], ['persistentvolumes'], ['create', 'delete', 'get', 'list', 'watch'])],
    ],
    [
      'aws-node',
      [
        rule(['crd.k8s.amazonaws.com'], ['eniconfigs'], READ),
        rule([''], ['pods', 'namespaces', 'nodes'], READ),
        rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'list']),
      ],
    ],
    ['eks:addon-manager', [rule(['*'], ['*'], ['*'])]],
    [
      'eks:certificate-controller',
      [
        rule(
          ['certificates.k8s.io'],
          ['certificatesigningrequests', 'certificatesigningrequests/approval'],
          ['get', 'list', 'update'],
        ),
      ],
    ],
    [
      'eks:cloud-controller-manager',
      [rule([''], ['nodes', 'services', 'events'], [...READ, 'patch', 'update'])],
    ],
    ['eks:cluster-event-watcher', [rule([''], ['events'], READ)]],
    ['eks:fargate-manager', [rule([''], ['nodes', 'pods'], [...READ, 'delete'])]],
    ['eks:k8s-metrics', [rule(['', 'apps'], ['nodes', 'pods', 'deployments'], READ)]],
    [
      'eks:node-bootstrapper',
      [rule(['certificates.k8s.io'], ['certificatesigningrequests/selfnodeserver'], ['create'])],
    ],
    ['eks:node-manager', [rule([''], ['pods', 'nodes'], ['get', 'list', 'watch', 'delete', 'patch'])]],
    ['eks:podsecuritypolicy:privileged', [rule(['policy'], ['podsecuritypolicies'], ['use'])]],
  ].map(([name, rules]) => ({
    meta: { name: String(name), labels: RBAC_DEFAULTS, annotations: AUTOUPDATE },
    body: { rules: rules as Json },
  })),
  ...CONTROLLERS.map((name) => ({
    meta: { name: `system:controller:${name}`, labels: RBAC_DEFAULTS, annotations: AUTOUPDATE },
    body: { rules: controllerRules(name) as Json },
  })),
];

function roleRef(name: string): JsonObject {
  return { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name };
}

function group(name: string): JsonObject {
  return { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name };
}

function user(name: string): JsonObject {
  return { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name };
}

function serviceAccount(name: string, namespace = 'kube-system'): JsonObject {
  return { kind: 'ServiceAccount', name, namespace };
}

export const SYSTEM_CLUSTER_ROLE_BINDINGS: readonly Named[] = [
  ['cluster-admin', 'cluster-admin', [group('system:masters')]],
  ['system:basic-user', 'system:basic-user', [group('system:authenticated')]],
  ['system:discovery', 'system:discovery', [group('system:authenticated')]],
  [
    'system:public-info-viewer',
    'system:public-info-viewer',
    [group('system:authenticated'), group('system:unauthenticated')],
  ],
  ['system:node-proxier', 'system:node-proxier', [user('system:kube-proxy')]],
  ['system:kube-dns', 'system:kube-dns', [serviceAccount('kube-dns')]],
  ['system:kube-scheduler', 'system:kube-scheduler', [user('system:kube-scheduler')]],
  [
    'system:kube-controller-manager',
    'system:kube-controller-manager',
    [user('system:kube-controller-manager')],
  ],
  ['system:volume-scheduler', 'system:volume-scheduler', [user('system:kube-scheduler')]],
  ['system:monitoring', 'system:monitoring', [group('system:monitoring')]],
  [
    'system:service-account-issuer-discovery',
    'system:service-account-issuer-discovery',
    [group('system:serviceaccounts')],
  ],
  ['system:node', 'system:node', []],
  ['aws-node', 'aws-node', [serviceAccount('aws-node')]],
  ['eks:addon-manager', 'eks:addon-manager', [user('eks:addon-manager')]],
  ['eks:certificate-controller', 'eks:certificate-controller', [user('eks:certificate-controller')]],
  ['eks:cloud-controller-manager', 'eks:cloud-controller-manager', [user('eks:cloud-controller-manager')]],
  ['eks:cluster-event-watcher', 'eks:cluster-event-watcher', [user('eks:cluster-event-watcher')]],
  ['eks:fargate-manager', 'eks:fargate-manager', [user('eks:fargate-manager')]],
  ['eks:k8s-metrics', 'eks:k8s-metrics', [user('eks:k8s-metrics')]],
  ['eks:node-bootstrapper', 'eks:node-bootstrapper', [group('system:bootstrappers'), group('system:nodes')]],
  ['eks:node-manager', 'eks:node-manager', [user('eks:node-manager')]],
  [
    'eks:podsecuritypolicy:authenticated',
    'eks:podsecuritypolicy:privileged',
    [group('system:authenticated')],
  ],
  ['metrics-server:system:auth-delegator', 'system:auth-delegator', [serviceAccount('metrics-server')]],
  ['aws-load-balancer-controller-rolebinding', 'aws-node', [serviceAccount('aws-load-balancer-controller')]],
  ['ebs-csi-node-binding', 'system:node', [serviceAccount('ebs-csi-node-sa')]],
  [
    'ebs-csi-provisioner-binding',
    'system:persistent-volume-provisioner',
    [serviceAccount('ebs-csi-controller-sa')],
  ],
  ['karpenter', 'cluster-admin', [serviceAccount('karpenter', 'karpenter')]],
  ['kube-state-metrics', 'view', [serviceAccount('kube-state-metrics', 'monitoring')]],
  ['prometheus', 'view', [serviceAccount('prometheus', 'monitoring')]],
  ['istiod-clusterrole-istio-system', 'edit', [serviceAccount('istiod', 'istio-system')]],
  ['cert-manager-controller', 'edit', [serviceAccount('cert-manager', 'cert-manager')]],
  ['cert-manager-cainjector', 'view', [serviceAccount('cert-manager-cainjector', 'cert-manager')]],
  [
    'cert-manager-webhook:subjectaccessreviews',
    'system:auth-delegator',
    [serviceAccount('cert-manager-webhook', 'cert-manager')],
  ],
  ...CONTROLLERS.map(
    (name) => [`system:controller:${name}`, `system:controller:${name}`, [serviceAccount(name)]] as const,
  ),
].map(([name, role, subjects]) => ({
  meta: { name: String(name), labels: RBAC_DEFAULTS, annotations: AUTOUPDATE },
  body: { roleRef: roleRef(String(role)), subjects: subjects as Json },
}));

export interface CrdInfo {
  name: string;
  group: string;
  kind: string;
  plural: string;
}

const CRD_LIST: readonly [string, string[]][] = [
  ['cert-manager.io', ['Certificate', 'CertificateRequest', 'Issuer', 'ClusterIssuer']],
  ['acme.cert-manager.io', ['Challenge', 'Order']],
  [
    'networking.istio.io',
    [
      'DestinationRule',
      'EnvoyFilter',
      'Gateway',
      'ProxyConfig',
      'ServiceEntry',
      'Sidecar',
      'VirtualService',
      'WorkloadEntry',
      'WorkloadGroup',
    ],
  ],
  ['security.istio.io', ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']],
  ['telemetry.istio.io', ['Telemetry']],
  ['elbv2.k8s.aws', ['TargetGroupBinding', 'IngressClassParams']],
  ['karpenter.sh', ['NodePool', 'NodeClaim']],
  ['karpenter.k8s.aws', ['EC2NodeClass']],
  [
    'monitoring.coreos.com',
    [
      'Alertmanager',
      'AlertmanagerConfig',
      'PodMonitor',
      'Probe',
      'Prometheus',
      'PrometheusAgent',
      'PrometheusRule',
      'ScrapeConfig',
      'ServiceMonitor',
      'ThanosRuler',
    ],
  ],
  [
    'external-secrets.io',
    ['ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'ClusterExternalSecret', 'PushSecret'],
  ],
  ['crd.k8s.amazonaws.com', ['ENIConfig']],
  ['vpcresources.k8s.aws', ['CNINode', 'SecurityGroupPolicy']],
  ['snapshot.storage.k8s.io', ['VolumeSnapshot', 'VolumeSnapshotClass', 'VolumeSnapshotContent']],
];

export const CRDS: readonly CrdInfo[] = CRD_LIST.flatMap(([group, kinds]) =>
  kinds.map((kind) => {
    const plural =
      `${kind.toLowerCase()}${kind.endsWith('s') ? 'es' : kind.endsWith('y') ? '' : 's'}`.replace(
        /ys$/,
        'ies',
      );
    return { name: `${plural}.${group}`, group, kind, plural };
  }),
);

/** A CRD with an OpenAPI schema of realistic size (tens of properties, two levels deep). */
export function crdObject(crd: CrdInfo): JsonObject {
  const properties: JsonObject = {};
  for (let i = 0; i < 40; i++) {
    properties[`field${i}`] =
      i % 5 === 0
        ? {
            type: 'object',
            description: `Configuration block ${i} of the ${crd.kind} resource. Each field is documented upstream; this schema is abridged.`,
            properties: {
              enabled: { type: 'boolean', description: 'Whether the block is active.' },
              name: { type: 'string', description: 'Name of the referenced object.', maxLength: 253 },
              selector: { type: 'object', additionalProperties: { type: 'string' } },
            },
          }
        : { type: i % 3 === 0 ? 'integer' : 'string', description: `Field ${i} of the ${crd.kind} spec.` };
  }
  return {
    spec: {
      group: crd.group,
      names: {
        kind: crd.kind,
        listKind: `${crd.kind}List`,
        plural: crd.plural,
        singular: crd.kind.toLowerCase(),
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: `${crd.kind} is a custom resource of ${crd.group}.`,
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: { type: 'object', properties },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
          subresources: { status: {} },
        },
      ],
      conversion: { strategy: 'None' },
    },
    status: {
      acceptedNames: {
        kind: crd.kind,
        listKind: `${crd.kind}List`,
        plural: crd.plural,
        singular: crd.kind.toLowerCase(),
      },
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          lastTransitionTime: '2024-03-01T10:00:00Z',
          reason: 'NoConflicts',
          message: 'no conflicts found',
        },
        {
          type: 'Established',
          status: 'True',
          lastTransitionTime: '2024-03-01T10:00:00Z',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
        },
      ],
      storedVersions: ['v1'],
    },
  };
}

/** Per-CRD-group ClusterRoles that aggregate into the built-in admin/edit/view roles. */
export function aggregatedClusterRoles(): Named[] {
  const groups = [...new Set(CRDS.map((crd) => crd.group))];
  return groups.flatMap((apiGroup) =>
    (['admin', 'edit', 'view'] as const).map((level) => ({
      meta: {
        name: `${apiGroup}:aggregate-to-${level}`,
        labels: {
          [`rbac.authorization.k8s.io/aggregate-to-${level}`]: 'true',
          'app.kubernetes.io/part-of': apiGroup,
        },
      },
      body: {
        rules: [
          rule(
            [apiGroup],
            CRDS.filter((crd) => crd.group === apiGroup).map((crd) => crd.plural),
            level === 'view' ? READ : [...READ, ...WRITE],
          ),
        ],
      },
    })),
  );
}

interface WebhookObject extends Named {
  apiVersion: string;
  kind: string;
}

export function webhookObjects(): WebhookObject[] {
  const webhook = (
    name: string,
    service: { namespace: string; name: string },
    failurePolicy: string,
    resources: string[],
  ): JsonObject => ({
    name,
    clientConfig: {
      service: { namespace: service.namespace, name: service.name, path: '/validate', port: 443 },
      caBundle:
        'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvakNDQWVhZ0F3SUJBZ0lCQVRBTkJna3Foa2lHOXcwQkFRc0ZBREFWTVJNd0VRWURWUVFEREFwcmRXSmwKY201bGRHVnpNQjRYRFRJek1EWXhOREE1TVRjd05Wb1hEVE16TURZeE1UQTVNakl3TlZvd0ZURVRNQkVHQTFVRQo=',
    },
    rules: [
      {
        operations: ['CREATE', 'UPDATE'],
        apiGroups: ['', 'apps'],
        apiVersions: ['v1'],
        resources,
        scope: '*',
      },
    ],
    failurePolicy,
    matchPolicy: 'Equivalent',
    namespaceSelector: {
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }],
    },
    objectSelector: {},
    sideEffects: 'None',
    timeoutSeconds: 10,
    admissionReviewVersions: ['v1'],
  });
  const lb = { namespace: 'kube-system', name: 'aws-load-balancer-webhook-service' };
  const cm = { namespace: 'cert-manager', name: 'cert-manager-webhook' };
  const istio = { namespace: 'istio-system', name: 'istiod' };
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      meta: { name: 'istio-sidecar-injector' },
      body: { webhooks: [webhook('namespace.sidecar-injector.istio.io', istio, 'Fail', ['pods'])] },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      meta: { name: 'aws-load-balancer-webhook' },
      body: {
        webhooks: [
          webhook('mpod.elbv2.k8s.aws', lb, 'Fail', ['pods']),
          webhook('mservice.elbv2.k8s.aws', lb, 'Fail', ['services']),
        ],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      meta: { name: 'cert-manager-webhook' },
      body: { webhooks: [webhook('webhook.cert-manager.io', cm, 'Fail', ['certificates'])] },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      meta: { name: 'aws-load-balancer-webhook' },
      body: { webhooks: [webhook('vingress.elbv2.k8s.aws', lb, 'Fail', ['ingresses'])] },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      meta: { name: 'cert-manager-webhook' },
      body: { webhooks: [webhook('webhook.cert-manager.io', cm, 'Fail', ['certificates', 'issuers'])] },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      meta: { name: 'istio-validator-istio-system' },
      body: { webhooks: [webhook('rev.validation.istio.io', istio, 'Ignore', ['*'])] },
    },
  ];
}
