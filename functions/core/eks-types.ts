/**
 * Plain-JSON shapes of the AWS EKS API facts in a snapshot, named and cased as the EKS API
 * returns them (so a DescribeCluster `cluster` object from the AWS CLI can be used as is).
 */

export interface EksLogSetup {
  types?: string[];
  enabled?: boolean;
}

export interface EksCluster {
  name?: string;
  arn?: string;
  version?: string;
  platformVersion?: string;
  status?: string;
  endpoint?: string;
  createdAt?: string;
  roleArn?: string;
  resourcesVpcConfig?: {
    subnetIds?: string[];
    securityGroupIds?: string[];
    clusterSecurityGroupId?: string;
    vpcId?: string;
    endpointPublicAccess?: boolean;
    endpointPrivateAccess?: boolean;
    publicAccessCidrs?: string[];
  };
  logging?: { clusterLogging?: EksLogSetup[] };
  encryptionConfig?: { resources?: string[]; provider?: { keyArn?: string } }[];
  accessConfig?: { authenticationMode?: string; bootstrapClusterCreatorAdminPermissions?: boolean };
  upgradePolicy?: { supportType?: string };
  identity?: { oidc?: { issuer?: string } };
  computeConfig?: { enabled?: boolean; nodePools?: string[]; nodeRoleArn?: string };
  kubernetesNetworkConfig?: { serviceIpv4Cidr?: string; serviceIpv6Cidr?: string; ipFamily?: string };
  tags?: Record<string, string>;
  deletionProtection?: boolean;
}

/** One row of DescribeClusterVersions. Dates are ISO strings. */
export interface EksClusterVersion {
  clusterVersion?: string;
  releaseDate?: string;
  endOfStandardSupportDate?: string;
  endOfExtendedSupportDate?: string;
  versionStatus?: string;
}

export interface EksNodegroup {
  nodegroupName?: string;
  version?: string;
  releaseVersion?: string;
  amiType?: string;
  capacityType?: string;
  remoteAccess?: { ec2SshKey?: string; sourceSecurityGroups?: string[] };
  launchTemplate?: { id?: string; name?: string; version?: string };
  nodeRole?: string;
}

export interface EksAddon {
  addonName?: string;
  addonVersion?: string;
  status?: string;
  configurationValues?: string;
  serviceAccountRoleArn?: string;
}

export interface EksAccessEntry {
  principalArn?: string;
  type?: string;
  username?: string;
  kubernetesGroups?: string[];
  accessPolicies?: { policyArn?: string; accessScope?: { type?: string; namespaces?: string[] } }[];
}

export interface EksFacts {
  cluster?: EksCluster;
  clusterVersions?: EksClusterVersion[];
  nodegroups?: EksNodegroup[];
  addons?: EksAddon[];
  accessEntries?: EksAccessEntry[];
}
