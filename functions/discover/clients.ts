import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import type { DiscoveryClients } from './discover-fleet.ts';

/**
 * Real SDK clients for discovery: one STS client in the scanner's region, and a new EC2 or
 * EKS client per account and region (credentials differ per account, so nothing is shared).
 */
export function defaultDiscoveryClients(homeRegion: string): DiscoveryClients {
  return {
    sts: new STSClient({ region: homeRegion }),
    ec2: (region, credentials) => new EC2Client({ region, credentials }),
    eks: (region, credentials) => new EKSClient({ region, credentials }),
    organizations: (region, credentials) => new OrganizationsClient({ region, credentials }),
  };
}
