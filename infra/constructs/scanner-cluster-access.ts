import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { kubeletConfigRbacManifests, SCANNER_GROUP, scannerRbacManifests } from './cluster-rbac.ts';

export interface ScannerClusterAccessProps {
  /** The EKS cluster to grant access to (in this stack's account and region). */
  readonly clusterName: string;
  /**
   * The IAM role that signs the scanner's Kubernetes token: the member read role
   * (`WatchkeeperReadRole`) in a member account, or the scan-cluster Lambda role for clusters
   * the scanner reads with its own credentials. A STANDARD entry may name a role of another
   * account.
   */
  readonly principalArn: string;
  /**
   * Give this to also create the ClusterRole and ClusterRoleBinding through the cluster's
   * kubectl provider (a cluster defined in this app, or imported with a kubectl role or
   * provider). Without it, apply deploy/cluster-rbac.yaml with kubectl.
   */
  readonly cluster?: eks.ICluster;
  /** Also apply the opt-in `nodes/proxy` role (not read-only; see cluster-rbac.ts). Needs `cluster`. */
  readonly includeKubeletConfig?: boolean;
}

/**
 * Lets the Watchkeeper scanner read one cluster: an EKS access entry of type STANDARD that
 * puts the scanner's role in the `watchkeeper-readers` Kubernetes group, with NO access
 * policy (AmazonEKSViewPolicy misses RBAC, nodes and webhooks; AmazonEKSAdminViewPolicy reads
 * Secrets), and, optionally, the read-only ClusterRole bound to that group.
 * reference/aws-notes.md §2.2–2.4.
 */
export class ScannerClusterAccess extends Construct {
  readonly accessEntry: eks.CfnAccessEntry;
  readonly manifest?: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: ScannerClusterAccessProps) {
    super(scope, id);
    if (props.includeKubeletConfig && !props.cluster) {
      throw new Error('ScannerClusterAccess: includeKubeletConfig needs `cluster` to apply the role');
    }

    this.accessEntry = new eks.CfnAccessEntry(this, 'AccessEntry', {
      clusterName: props.clusterName,
      principalArn: props.principalArn,
      type: 'STANDARD',
      kubernetesGroups: [SCANNER_GROUP],
    });

    if (props.cluster) {
      const manifests = [
        ...scannerRbacManifests(),
        ...(props.includeKubeletConfig ? kubeletConfigRbacManifests() : []),
      ];
      // What cluster.addManifest() does, scoped here and with overwrite, so the objects can
      // be adopted when someone already applied deploy/cluster-rbac.yaml with kubectl.
      this.manifest = new eks.KubernetesManifest(this, 'Rbac', {
        cluster: props.cluster,
        manifest: manifests,
        overwrite: true,
      });
    }
  }
}
