import type { Framework } from '../core/model.ts';

/**
 * CIS Amazon EKS Benchmark v1.8.0: all 50 recommendations plus the section-1 entry (the
 * control plane, which AWS operates). Titles are ours; ids, the Automated/Manual marking and
 * the section tree are the benchmark's. Profile levels come from secondary sources (earlier
 * benchmark versions and third-party catalogs) and are omitted where none gives one — confirm
 * them against the official document before relying on them.
 * https://www.cisecurity.org/benchmark/kubernetes
 */
export const CIS_EKS_1_8_0: Framework = {
  id: 'cis-eks-1.8.0',
  title: 'CIS Amazon EKS Benchmark',
  version: '1.8.0',
  url: 'https://www.cisecurity.org/benchmark/kubernetes',
  sections: [
    {
      id: '1',
      title: 'Control plane components',
      requirements: [
        {
          id: '1',
          title: 'The control plane (API server, etcd, controller manager, scheduler) is operated by AWS',
          evaluation: 'inherited',
          how:
            'Reported as inherited: EKS runs, patches and hardens the API server, etcd, controller manager ' +
            'and scheduler.',
        },
      ],
    },
    {
      id: '2',
      title: 'Control plane configuration',
      sections: [
        {
          id: '2.1',
          title: 'Logging',
          requirements: [
            {
              id: '2.1.1',
              title: 'Control-plane logging is on for every log type, audit included',
              assessment: 'manual',
              level: 1,
              evaluation: 'automated',
              how: 'EKS API: the enabled control-plane log types in DescribeCluster cover the required list.',
            },
            {
              id: '2.1.2',
              title: 'Audit logs are collected, retained and reviewed',
              assessment: 'manual',
              level: 1,
              evaluation: 'manual-with-evidence',
              how:
                'Fails when the audit log type is off; otherwise needs an attestation that the log group is ' +
                'retained, encrypted, forwarded and monitored (CloudWatch Logs and GuardDuty are not read; ' +
                'the audit policy itself is set by AWS).',
            },
          ],
        },
      ],
    },
    {
      id: '3',
      title: 'Worker nodes',
      sections: [
        {
          id: '3.1',
          title: 'Worker node configuration files',
          requirements: [
            {
              id: '3.1.1',
              title: 'The kubelet kubeconfig file has permissions 644 or stricter',
              assessment: 'automated',
              level: 1,
              evaluation: 'not-remotely-evaluable',
              how:
                'A file on the node: not readable through the APIs, so not evaluated on EC2 nodes and ' +
                'inherited on Fargate and EKS Auto Mode nodes.',
            },
            {
              id: '3.1.2',
              title: 'The kubelet kubeconfig file is owned by root:root',
              assessment: 'automated',
              level: 1,
              evaluation: 'not-remotely-evaluable',
              how:
                'A file on the node: not readable through the APIs, so not evaluated on EC2 nodes and ' +
                'inherited on Fargate and EKS Auto Mode nodes.',
            },
            {
              id: '3.1.3',
              title: 'The kubelet configuration file has permissions 644 or stricter',
              assessment: 'automated',
              level: 1,
              evaluation: 'not-remotely-evaluable',
              how:
                'A file on the node: not readable through the APIs, so not evaluated on EC2 nodes and ' +
                'inherited on Fargate and EKS Auto Mode nodes.',
            },
            {
              id: '3.1.4',
              title: 'The kubelet configuration file is owned by root:root',
              assessment: 'automated',
              level: 1,
              evaluation: 'not-remotely-evaluable',
              how:
                'A file on the node: not readable through the APIs, so not evaluated on EC2 nodes and ' +
                'inherited on Fargate and EKS Auto Mode nodes.',
            },
          ],
        },
        {
          id: '3.2',
          title: 'Kubelet',
          requirements: [
            {
              id: '3.2.1',
              title: 'The kubelet rejects anonymous requests',
              assessment: 'automated',
              level: 1,
              evaluation: 'kubelet-configz-opt-in',
              how: 'Kubelet configz (opt-in): authentication.anonymous.enabled is false.',
            },
            {
              id: '3.2.2',
              title: 'The kubelet authorizes requests (authorization mode is not AlwaysAllow)',
              assessment: 'automated',
              level: 1,
              evaluation: 'kubelet-configz-opt-in',
              how: 'Kubelet configz (opt-in): authorization.mode is not AlwaysAllow.',
            },
            {
              id: '3.2.3',
              title: 'The kubelet verifies client certificates against a client CA',
              assessment: 'automated',
              level: 1,
              evaluation: 'kubelet-configz-opt-in',
              how: 'Kubelet configz (opt-in): authentication.x509.clientCAFile is set.',
            },
            {
              id: '3.2.4',
              title: 'The kubelet read-only port is closed',
              assessment: 'automated',
              level: 1,
              evaluation: 'kubelet-configz-opt-in',
              how: 'Kubelet configz (opt-in): readOnlyPort is 0 or unset.',
            },
            {
              id: '3.2.5',
              title: 'Idle kubelet streaming connections time out',
              assessment: 'automated',
              level: 1,
              evaluation: 'kubelet-configz-opt-in',
              how: 'Kubelet configz (opt-in): streamingConnectionIdleTimeout is not 0.',
            },
            {
              id: '3.2.6',
              title: 'The kubelet manages its iptables utility chains',
              assessment: 'automated',
              level: 1,
              evaluation: 'kubelet-configz-opt-in',
              how: 'Kubelet configz (opt-in): makeIPTablesUtilChains is true or unset.',
            },
            {
              id: '3.2.7',
              title: 'The kubelet records events at a rate that keeps them (eventRecordQPS)',
              assessment: 'automated',
              level: 2,
              evaluation: 'kubelet-configz-opt-in',
              how: 'Kubelet configz (opt-in): eventRecordQPS is within the configured policy.',
            },
            {
              id: '3.2.8',
              title: 'The kubelet rotates its client certificate',
              assessment: 'automated',
              level: 2,
              evaluation: 'kubelet-configz-opt-in',
              how: 'Kubelet configz (opt-in): rotateCertificates is true or unset.',
            },
            {
              id: '3.2.9',
              title: 'The kubelet rotates its serving certificate',
              assessment: 'automated',
              level: 1,
              evaluation: 'kubelet-configz-opt-in',
              how:
                'Kubelet configz (opt-in): the RotateKubeletServerCertificate feature gate or ' +
                'serverTLSBootstrap is on.',
            },
          ],
        },
      ],
    },
    {
      id: '4',
      title: 'Policies',
      sections: [
        {
          id: '4.1',
          title: 'RBAC and service accounts',
          requirements: [
            {
              id: '4.1.1',
              title: 'The cluster-admin role is bound only where it is needed',
              assessment: 'automated',
              level: 1,
              evaluation: 'automated',
              how:
                'Bindings to cluster-admin and their subjects, EKS access entries with the cluster admin ' +
                'policy, and aws-auth mappings to system:masters.',
            },
            {
              id: '4.1.2',
              title: 'Few subjects can read Secrets',
              assessment: 'automated',
              level: 1,
              evaluation: 'automated',
              how: 'Effective RBAC reach: subjects that can get, list or watch Secrets, through every binding.',
            },
            {
              id: '4.1.3',
              title: 'Roles and ClusterRoles use no wildcards',
              assessment: 'automated',
              level: 1,
              evaluation: 'automated',
              how: 'RBAC rules with * in verbs, resources or apiGroups, built-in roles left out.',
            },
            {
              id: '4.1.4',
              title: 'Few subjects can create pods',
              assessment: 'automated',
              level: 1,
              evaluation: 'automated',
              how: 'Effective RBAC reach: subjects that can create pods directly or through workload controllers.',
            },
            {
              id: '4.1.5',
              title: 'Default service accounts are not used',
              assessment: 'automated',
              level: 1,
              evaluation: 'automated',
              how: 'Default service accounts keep token automount off, hold no bindings and run no workloads.',
            },
            {
              id: '4.1.6',
              title: 'Service account tokens are mounted only where they are needed',
              assessment: 'automated',
              level: 1,
              evaluation: 'automated',
              how: 'Pods and service accounts with token automount on, the pod setting overriding the account.',
            },
            {
              id: '4.1.7',
              title: 'Cluster access is managed through EKS access entries',
              assessment: 'manual',
              level: 1,
              evaluation: 'automated',
              how:
                'EKS API: the authentication mode uses access entries rather than the aws-auth ConfigMap, and ' +
                "the cluster creator's implicit admin access is off.",
            },
            {
              id: '4.1.8',
              title: 'Few subjects hold bind, impersonate or escalate',
              assessment: 'manual',
              evaluation: 'automated',
              how: 'Effective RBAC reach: subjects that can bind or escalate roles, or impersonate identities.',
            },
            {
              id: '4.1.9',
              title: 'Few subjects can create PersistentVolumes',
              assessment: 'manual',
              evaluation: 'automated',
              how: 'Effective RBAC reach: subjects that can create PersistentVolumes.',
            },
            {
              id: '4.1.10',
              title: 'Few subjects can reach the nodes/proxy subresource',
              assessment: 'manual',
              evaluation: 'automated',
              how:
                "Effective RBAC reach: subjects with any verb on nodes/proxy (the scanner's own opt-in " +
                'kubelet grant is the documented exception).',
            },
            {
              id: '4.1.11',
              title: 'Few subjects can change admission webhook configurations',
              assessment: 'manual',
              evaluation: 'automated',
              how:
                'Effective RBAC reach: subjects that can create, update, patch or delete validating or ' +
                'mutating webhook configurations.',
            },
            {
              id: '4.1.12',
              title: 'Few subjects can create service account tokens',
              assessment: 'manual',
              evaluation: 'automated',
              how: 'Effective RBAC reach: subjects that can create serviceaccounts/token.',
            },
          ],
        },
        {
          id: '4.2',
          title: 'Pod Security Standards',
          requirements: [
            {
              id: '4.2.1',
              title: 'Privileged containers are not admitted',
              assessment: 'automated',
              level: 1,
              evaluation: 'automated',
              how:
                'Pods and pod templates: no container, init or ephemeral container runs privileged; namespaces ' +
                'enforce the baseline or restricted Pod Security Standard.',
            },
            {
              id: '4.2.2',
              title: 'Containers do not share the host process ID namespace',
              assessment: 'automated',
              level: 1,
              evaluation: 'automated',
              how: 'Pods and pod templates: hostPID is not set; namespaces enforce a Pod Security Standard.',
            },
            {
              id: '4.2.3',
              title: 'Containers do not share the host IPC namespace',
              assessment: 'automated',
              level: 1,
              evaluation: 'automated',
              how: 'Pods and pod templates: hostIPC is not set; namespaces enforce a Pod Security Standard.',
            },
            {
              id: '4.2.4',
              title: 'Containers do not share the host network namespace',
              assessment: 'automated',
              level: 1,
              evaluation: 'automated',
              how:
                'Pods and pod templates: hostNetwork is not set (EKS add-ons waived with the reason); ' +
                'namespaces enforce a Pod Security Standard.',
            },
            {
              id: '4.2.5',
              title: 'Containers cannot escalate their privileges',
              assessment: 'automated',
              level: 1,
              evaluation: 'automated',
              how:
                'Pods and pod templates: every container sets allowPrivilegeEscalation to false; namespaces ' +
                'enforce a Pod Security Standard.',
            },
          ],
        },
        {
          id: '4.3',
          title: 'CNI plugin',
          requirements: [
            {
              id: '4.3.1',
              title: 'The CNI plugin supports network policies',
              assessment: 'manual',
              evaluation: 'automated',
              how:
                'The VPC CNI network policy agent, Calico or Cilium is installed and network policy ' +
                'enforcement is on.',
            },
            {
              id: '4.3.2',
              title: 'Every namespace has network policies',
              assessment: 'automated',
              level: 2,
              evaluation: 'automated',
              how: 'Every namespace holds at least one NetworkPolicy, preferably a default deny.',
            },
          ],
        },
        {
          id: '4.4',
          title: 'Secrets management',
          requirements: [
            {
              id: '4.4.1',
              title: 'Secrets reach containers as files, not environment variables',
              assessment: 'automated',
              level: 2,
              evaluation: 'automated',
              how: 'Pods and pod templates: no env secretKeyRef or envFrom secretRef.',
            },
            {
              id: '4.4.2',
              title: 'Secrets live in an external secret store',
              assessment: 'manual',
              level: 2,
              evaluation: 'manual-with-evidence',
              how:
                'Heuristic: passes when an external secret store integration (Secrets Store CSI driver, ' +
                'External Secrets, Vault) is installed; otherwise needs an attestation.',
            },
          ],
        },
        {
          id: '4.5',
          title: 'General policies',
          requirements: [
            {
              id: '4.5.1',
              title: 'Namespaces draw the administrative boundaries between resources',
              assessment: 'manual',
              level: 1,
              evaluation: 'manual-with-evidence',
              how:
                'Needs an attestation; namespaces, namespaced versus cluster-wide bindings, and quotas and ' +
                'limits per namespace are gathered as evidence.',
            },
            {
              id: '4.5.2',
              title: 'The default namespace holds no workloads or application objects',
              assessment: 'automated',
              level: 2,
              evaluation: 'automated',
              how: 'Namespaced objects in default other than the ones Kubernetes creates there.',
            },
          ],
        },
      ],
    },
    {
      id: '5',
      title: 'Managed services',
      sections: [
        {
          id: '5.1',
          title: 'Image registry and image scanning',
          requirements: [
            {
              id: '5.1.1',
              title: 'Images are scanned for vulnerabilities, in Amazon ECR or by a third-party scanner',
              assessment: 'manual',
              level: 1,
              evaluation: 'manual-with-evidence',
              how:
                'Needs an attestation of registry scanning (ECR scanning settings are not read); the ' +
                'registries the cluster pulls from are gathered as evidence.',
            },
            {
              id: '5.1.2',
              title: 'People have minimal access to Amazon ECR',
              assessment: 'manual',
              level: 1,
              evaluation: 'manual-with-evidence',
              how:
                'Needs an attestation of IAM and repository policies (not read); the ECR repositories in use ' +
                'are gathered as evidence.',
            },
            {
              id: '5.1.3',
              title: 'The cluster has read-only access to Amazon ECR',
              assessment: 'manual',
              level: 1,
              evaluation: 'manual-with-evidence',
              how:
                "Needs an attestation of the node, Auto Mode and Fargate roles' policies (not read); the " +
                'roles are gathered as evidence.',
            },
            {
              id: '5.1.4',
              title: 'Images come only from approved registries',
              assessment: 'manual',
              level: 2,
              evaluation: 'automated',
              how:
                'Every image of every pod and pod template against the configured registry allow-list, and an ' +
                'admission policy engine that can enforce it.',
            },
          ],
        },
        {
          id: '5.2',
          title: 'Identity and access management',
          requirements: [
            {
              id: '5.2.1',
              title: 'Workloads use dedicated IAM identities (IRSA or Pod Identity), not the node role',
              assessment: 'manual',
              level: 1,
              evaluation: 'automated',
              how:
                'Service accounts with IRSA annotations or Pod Identity associations, and node instance ' +
                'metadata settings that keep pods off the node role.',
            },
          ],
        },
        {
          id: '5.3',
          title: 'AWS Key Management Service',
          requirements: [
            {
              id: '5.3.1',
              title: 'Kubernetes Secrets are envelope-encrypted with a customer-managed KMS key',
              assessment: 'manual',
              level: 1,
              evaluation: 'automated',
              how: 'EKS API: the cluster encryption configuration covers secrets with a KMS key.',
            },
          ],
        },
        {
          id: '5.4',
          title: 'Cluster networking',
          requirements: [
            {
              id: '5.4.1',
              title: 'Access to the public API endpoint is restricted',
              assessment: 'manual',
              level: 1,
              evaluation: 'automated',
              how: 'EKS API: a public endpoint allows only listed CIDRs, never 0.0.0.0/0 or ::/0.',
            },
            {
              id: '5.4.2',
              title: 'The API endpoint is private and public access is off',
              assessment: 'manual',
              level: 2,
              evaluation: 'automated',
              how: 'EKS API: private endpoint access on, public endpoint access off.',
            },
            {
              id: '5.4.3',
              title: 'Worker nodes run in private subnets without public addresses',
              assessment: 'manual',
              level: 1,
              evaluation: 'automated',
              how: 'Nodes carry no ExternalIP address.',
            },
            {
              id: '5.4.4',
              title: 'Network policy enforcement is on and used',
              assessment: 'manual',
              level: 1,
              evaluation: 'automated',
              how:
                'The VPC CNI add-on has network policy enabled (or Calico or Cilium enforces policies), ' +
                'and namespaces have policies.',
            },
            {
              id: '5.4.5',
              title: 'Load balancers serve HTTPS with TLS',
              assessment: 'manual',
              level: 2,
              evaluation: 'automated',
              how: 'LoadBalancer Services and Ingresses carry TLS certificates and listeners.',
            },
          ],
        },
        {
          id: '5.5',
          title: 'Authentication and authorization',
          requirements: [
            {
              id: '5.5.1',
              title: 'Cluster users are managed through AWS IAM',
              assessment: 'manual',
              level: 2,
              evaluation: 'manual-with-evidence',
              how:
                'Needs an attestation; the authentication mode, access entries and aws-auth mappings are ' +
                'gathered as evidence (identity providers, token Secrets and the client CLI version are not ' +
                'read).',
            },
          ],
        },
      ],
    },
  ],
};
