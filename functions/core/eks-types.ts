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
  /** Connection data: `data` is the base64 PEM of the cluster CA (public, never a secret). */
  certificateAuthority?: { data?: string };
  /** The cluster ID; EKS tokens for local clusters on Outposts name it instead of the name. */
  id?: string;
  health?: { issues?: EksIssue[] };
  /** Set for clusters registered through EKS Connector, which have no endpoint to scan. */
  connectorConfig?: { provider?: string };
}

/** One row of DescribeClusterVersions. Dates are ISO strings. */
export interface EksClusterVersion {
  clusterVersion?: string;
  releaseDate?: string;
  endOfStandardSupportDate?: string;
  endOfExtendedSupportDate?: string;
  versionStatus?: string;
  kubernetesPatchVersion?: string;
  defaultPlatformVersion?: string;
  defaultVersion?: boolean;
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
  nodegroupArn?: string;
  status?: string;
  instanceTypes?: string[];
  health?: { issues?: EksIssue[] };
  resources?: { autoScalingGroups?: { name?: string }[]; remoteAccessSecurityGroup?: string };
  createdAt?: string;
}

export interface EksAddon {
  addonName?: string;
  addonVersion?: string;
  status?: string;
  configurationValues?: string;
  serviceAccountRoleArn?: string;
  owner?: string;
  publisher?: string;
  health?: { issues?: EksIssue[] };
  podIdentityAssociations?: string[];
}

export interface EksAccessEntry {
  principalArn?: string;
  type?: string;
  username?: string;
  kubernetesGroups?: string[];
  accessPolicies?: { policyArn?: string; accessScope?: { type?: string; namespaces?: string[] } }[];
  accessEntryArn?: string;
}

export interface EksFacts {
  cluster?: EksCluster;
  clusterVersions?: EksClusterVersion[];
  nodegroups?: EksNodegroup[];
  addons?: EksAddon[];
  accessEntries?: EksAccessEntry[];
  fargateProfiles?: EksFargateProfile[];
  insights?: EksInsight[];
  /** The launch-template versions that managed node groups name, with their IMDS settings. */
  launchTemplates?: EksLaunchTemplate[];
}

/** A health issue of a cluster, node group or add-on. */
export interface EksIssue {
  code?: string;
  message?: string;
  resourceIds?: string[];
}

export interface EksFargateProfile {
  fargateProfileName?: string;
  fargateProfileArn?: string;
  podExecutionRoleArn?: string;
  subnets?: string[];
  selectors?: { namespace?: string; labels?: Record<string, string> }[];
  status?: string;
}

/** One row of ListInsights (AWS's own upgrade-readiness and misconfiguration findings). */
export interface EksInsight {
  id?: string;
  name?: string;
  category?: string;
  kubernetesVersion?: string;
  description?: string;
  insightStatus?: { status?: string; reason?: string };
  lastRefreshTime?: string;
  lastTransitionTime?: string;
}

/**
 * One EC2 launch-template version used by a managed node group, reduced to the instance
 * metadata options (IMDSv2 and the hop limit), which DescribeNodegroup does not return.
 */
export interface EksLaunchTemplate {
  launchTemplateId?: string;
  launchTemplateName?: string;
  versionNumber?: number;
  /** The node groups that use this version. */
  nodegroupNames?: string[];
  metadataOptions?: {
    httpTokens?: string;
    httpPutResponseHopLimit?: number;
    httpEndpoint?: string;
  };
}
