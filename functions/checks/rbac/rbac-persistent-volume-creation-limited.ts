import type { Check } from '../../core/model.ts';
import { rbacView, type SensitiveGrant, sensitiveAccessOutcomes } from '../lib/rbac.ts';

const GRANTS: readonly SensitiveGrant[] = [
  {
    access: { verbs: ['create'], apiGroups: [''], resources: ['persistentvolumes'] },
    nameable: false,
    clusterScoped: true,
  },
];

/**
 * CIS EKS 4.1.9: a PersistentVolume can point at any host path, and a pod that claims it
 * mounts that path without ever declaring a hostPath volume itself.
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/#persistent-volume-creation
 */
export const rbacPersistentVolumeCreationLimited: Check = {
  id: 'rbac-persistent-volume-creation-limited',
  title: 'Only storage provisioners and approved subjects can create PersistentVolumes',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.9' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
  rationale:
    'PersistentVolumes are cluster-wide and can be of type hostPath. A subject that can create one can ' +
    'expose any directory of a node, including the container runtime socket or the kubelet ' +
    'credentials, and any pod that claims it mounts that path, out of sight of admission rules that ' +
    'only look for hostPath volumes in pod specs. Volumes should come from a CSI provisioner through ' +
    'StorageClasses and PersistentVolumeClaims instead.',
  remediation: {
    summary:
      'Remove create on persistentvolumes from roles held by people and applications; let them create ' +
      'PersistentVolumeClaims against a StorageClass. CSI controllers that provision volumes (EBS, EFS, ' +
      'FSx by default) are approved in persistentVolumeCreationAllowedSubjects.',
    cli: 'kubectl auth can-i create persistentvolumes --as <user>\nkubectl get clusterrolebindings -o wide',
    iac:
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n' +
      '  storageClassName: gp3\n  accessModes: ["ReadWriteOnce"]\n  resources:\n    requests:\n' +
      '      storage: 20Gi',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#persistent-volume-creation',
    'https://kubernetes.io/docs/concepts/storage/persistent-volumes/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    return sensitiveAccessOutcomes(snapshot, view, {
      what: 'create PersistentVolumes',
      grants: GRANTS,
      approved: [
        { names: params.clusterAdminAllowedSubjects, param: 'clusterAdminAllowedSubjects' },
        {
          names: params.persistentVolumeCreationAllowedSubjects,
          param: 'persistentVolumeCreationAllowedSubjects',
        },
      ],
    });
  },
};
