/**
 * The read-only AWS API actions the scanner uses, shared by the central Lambda roles and the
 * member-account read role so the two cannot drift. Every action is named: no `Describe*` or
 * `List*` wildcards, so a new AWS API never widens the scanner's access by itself.
 *
 * Source: reference/aws-notes.md §5.8 and the EKS service authorization reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html
 */

/** EKS control-plane facts: cluster, node groups, add-ons, versions, access entries, insights. */
export const EKS_READ_ACTIONS = [
  'eks:ListClusters',
  'eks:DescribeCluster',
  'eks:DescribeClusterVersions',
  'eks:ListNodegroups',
  'eks:DescribeNodegroup',
  'eks:ListAddons',
  'eks:DescribeAddon',
  'eks:DescribeAddonVersions',
  'eks:ListAccessEntries',
  'eks:DescribeAccessEntry',
  'eks:ListAssociatedAccessPolicies',
  'eks:ListInsights',
  'eks:DescribeInsight',
  'eks:ListFargateProfiles',
  'eks:DescribeFargateProfile',
  'eks:ListIdentityProviderConfigs',
  'eks:DescribeIdentityProviderConfig',
  'eks:ListPodIdentityAssociations',
  'eks:DescribePodIdentityAssociation',
] as const;

/**
 * Node-level facts EKS does not return: IMDS settings of node launch templates and instances,
 * and the Auto Scaling groups behind managed node groups.
 */
export const NODE_READ_ACTIONS = [
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:DescribeInstances',
  'autoscaling:DescribeAutoScalingGroups',
] as const;

/** Regions enabled in an account (discovery). */
export const REGION_READ_ACTIONS = ['ec2:DescribeRegions'] as const;

/** Everything a member-account read role allows. */
export const MEMBER_READ_ACTIONS = [
  ...EKS_READ_ACTIONS,
  ...NODE_READ_ACTIONS,
  ...REGION_READ_ACTIONS,
] as const;

/** What discovery needs in an account: regions, cluster names, and tags (DescribeCluster). */
export const DISCOVERY_READ_ACTIONS = [
  ...REGION_READ_ACTIONS,
  'eks:ListClusters',
  'eks:DescribeCluster',
] as const;

/**
 * Listing the accounts of an organization (`fleet.organization`), from the management or a
 * delegated administrator account. ListAccounts supports no resource-level permissions.
 */
export const ORGANIZATION_READ_ACTIONS = [
  'organizations:ListAccounts',
  'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent',
] as const;

/** What one cluster's scan needs in the cluster's account. */
export const SCAN_READ_ACTIONS = [...EKS_READ_ACTIONS, ...NODE_READ_ACTIONS] as const;
