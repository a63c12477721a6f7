import type { Framework, FrameworkRequirement } from '../core/model.ts';

/**
 * NSA/CISA Kubernetes Hardening Guidance v1.2 (August 2022). The guidance has no numbered
 * controls, so its sections are the requirements; ids are short names of those sections.
 * https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF
 */
function area(id: string, title: string, how: string): FrameworkRequirement {
  return { id, title, evaluation: 'automated', how };
}

export const NSA_CISA_1_2: Framework = {
  id: 'nsa-cisa-1.2',
  title: 'NSA/CISA Kubernetes Hardening Guidance',
  version: '1.2',
  url: 'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  sections: [
    {
      id: 'kubernetes-pod-security',
      title: 'Kubernetes Pod security',
      requirements: [
        area(
          'pod-security',
          'Pods run as non-root, unprivileged and read-only, under enforced pod security',
          'Pod and container security contexts of every pod and pod template, Pod Security Admission labels, ' +
            'and service account token mounts.',
        ),
        area(
          'image-security',
          'Container images are minimal, scanned and pulled from trusted registries',
          'Image references of every pod and pod template (registry, tag or digest), admission verification, ' +
            'and registry scanning and access (attested where AWS data is not read).',
        ),
      ],
    },
    {
      id: 'network-separation-and-hardening',
      title: 'Network separation and hardening',
      requirements: [
        area(
          'network-separation',
          'Namespaces, network policies, resource policies and a hardened control plane separate workloads',
          'Network policies per namespace, exposed Services, quotas and limits, API endpoint exposure and ' +
            'the AWS-operated control plane (inherited).',
        ),
        area(
          'secrets',
          'Secrets are encrypted at rest and kept out of pod environments and configuration',
          'Secrets referenced from environment variables, credentials written into pod specs or ConfigMaps, ' +
            'and external secret stores.',
        ),
      ],
    },
    {
      id: 'authentication-and-authorization',
      title: 'Authentication and authorization',
      requirements: [
        area(
          'authentication',
          'Users and workloads authenticate with managed, strong identities; anonymous access is off',
          'EKS authentication mode and access entries, aws-auth mappings and anonymous bindings.',
        ),
        area(
          'rbac',
          'Role-based access control grants least privilege',
          'Effective RBAC reach through every binding: cluster-admin, wildcards, Secrets, escalation verbs.',
        ),
      ],
    },
    {
      id: 'audit-logging-and-threat-detection',
      title: 'Audit logging and threat detection',
      requirements: [
        area(
          'logging',
          'Control-plane, node and container logs are collected',
          'EKS control-plane log types, audit log retention (attested) and kubelet event recording.',
        ),
        area(
          'audit',
          'Kubernetes audit logs are on, kept and monitored for threats',
          'The audit log type of the EKS control plane, with an attestation of retention and monitoring.',
        ),
      ],
    },
    {
      id: 'upgrading-and-application-security-practices',
      title: 'Upgrading and application security practices',
      requirements: [
        area(
          'upgrades',
          'Kubernetes, nodes and add-ons stay on supported, patched versions',
          'EKS version support status, upgrade insights, node kubelet and AMI versions.',
        ),
      ],
    },
  ],
};
