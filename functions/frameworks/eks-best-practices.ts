import type { Framework, FrameworkRequirement } from '../core/model.ts';

/**
 * Amazon EKS Best Practices Guide, the security, reliability and cluster-upgrade areas that a
 * cluster's configuration can evidence. Its regulatory-compliance and incident-response
 * chapters describe organisational processes and are left out: nothing in a cluster snapshot
 * shows them.
 * https://docs.aws.amazon.com/eks/latest/best-practices/introduction.html
 */
function area(id: string, title: string, how: string): FrameworkRequirement {
  return { id, title, evaluation: 'automated', how };
}

export const EKS_BEST_PRACTICES: Framework = {
  id: 'eks-best-practices',
  title: 'Amazon EKS Best Practices Guide',
  version: 'current',
  url: 'https://docs.aws.amazon.com/eks/latest/best-practices/introduction.html',
  sections: [
    {
      id: 'security',
      title: 'Security',
      sections: [
        {
          id: 'identity-and-access-management',
          title: 'Identity and access management',
          requirements: [
            area(
              'identity-and-access-management',
              'Kubernetes and AWS identities hold least privilege',
              'Effective RBAC reach, service account usage and workload IAM identities.',
            ),
            area(
              'cluster-access-management',
              'Access to the cluster API is managed with access entries and a restricted endpoint',
              'EKS authentication mode, access entries, aws-auth mappings and API endpoint exposure.',
            ),
          ],
        },
        {
          id: 'pod-security',
          title: 'Pod security',
          requirements: [
            area(
              'pod-security',
              'Pods run without privileges they do not need',
              'Security contexts of every pod and pod template, and Pod Security Admission labels.',
            ),
          ],
        },
        {
          id: 'multi-tenancy',
          title: 'Multi-tenancy',
          requirements: [
            area(
              'multi-tenancy',
              'Tenants are separated by namespaces, quotas and policies',
              'Administrative boundaries, use of the default namespace, quotas and limits per namespace, and ' +
                'production sharing a cluster with other stages (heuristic).',
            ),
          ],
        },
        {
          id: 'detective-controls',
          title: 'Detective controls',
          requirements: [
            area(
              'detective-controls',
              'Control-plane logs and threat detection are on',
              'EKS control-plane log types, audit log retention (attested) and kubelet event recording.',
            ),
          ],
        },
        {
          id: 'network-security',
          title: 'Network security',
          requirements: [
            area(
              'network-security',
              'Network policies segment traffic and exposure to the internet is deliberate',
              'Network policies and their enforcement, LoadBalancer and NodePort Services, Ingress TLS.',
            ),
          ],
        },
        {
          id: 'data-encryption-and-secrets-management',
          title: 'Data encryption and secrets management',
          requirements: [
            area(
              'data-encryption-and-secrets-management',
              'Data and Secrets are encrypted at rest with keys the customer controls',
              'EKS secrets encryption with a customer KMS key, the health of that key, and external secret stores.',
            ),
            area(
              'secrets-management',
              'Secrets are delivered safely to workloads',
              'Secrets referenced from environment variables and credentials written into pod specs or ConfigMaps.',
            ),
          ],
        },
        {
          id: 'runtime-security',
          title: 'Runtime security',
          requirements: [
            area(
              'runtime-security',
              'Containers run confined by seccomp, AppArmor or SELinux, and runtime threats are detected',
              'Containers running an SSH server (heuristic); seccomp, AppArmor and SELinux confinement is judged ' +
                'under pod security.',
            ),
          ],
        },
        {
          id: 'infrastructure-security',
          title: 'Infrastructure security',
          requirements: [
            area(
              'infrastructure-security',
              'Worker nodes are hardened, private and kept current',
              'Node addresses, instance metadata settings, node group remote access and node OS.',
            ),
          ],
        },
        {
          id: 'image-security',
          title: 'Image security',
          requirements: [
            area(
              'image-security',
              'Images are minimal, scanned, immutable and from trusted registries',
              'Image references of every pod and pod template (registry, tag or digest), admission verification, ' +
                'and registry scanning and access (attested where AWS data is not read).',
            ),
          ],
        },
      ],
    },
    {
      id: 'reliability',
      title: 'Reliability',
      requirements: [
        area(
          'reliability',
          'Applications stay available through failures and disruptions',
          'Replicas, probes, resource requests and limits, controller-managed pods, cluster and add-on health, ' +
            'and deletion protection.',
        ),
      ],
    },
    {
      id: 'cluster-upgrades',
      title: 'Cluster upgrades',
      requirements: [
        area(
          'cluster-upgrades',
          'The cluster, its nodes and add-ons are upgraded before support ends',
          'EKS version support status, upgrade insights, add-on health, node kubelet and AMI versions.',
        ),
      ],
    },
  ],
};
