import {
  type Account,
  type OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
} from '@aws-sdk/client-organizations';
import { classifyAwsError } from '../collect/aws-errors.ts';
import { ACCOUNT_ID } from '../config/fleet-config.ts';
import type { FleetSkip } from '../core/fleet.ts';

/** Stands in for an account id in the skips about listing the organization itself. */
export const ORGANIZATION_SKIP_ID = 'organization';

export interface OrganizationAccounts {
  /** Active accounts, sorted, each once. */
  accountIds: string[];
  skipped: FleetSkip[];
}

/**
 * The active accounts of the organization (`ListAccounts`), or of `parents` (roots or OUs) and
 * every OU below them (`ListAccountsForParent`, `ListOrganizationalUnitsForParent`). The client
 * must act for the management account or a delegated administrator. A parent that cannot be
 * listed becomes a skip naming it, and the others are still listed; suspended and closing
 * accounts are left out, never counted as scanned.
 */
export async function organizationAccounts(
  client: OrganizationsClient,
  parents: readonly string[] | undefined,
): Promise<OrganizationAccounts> {
  const found = new Set<string>();
  const skipped: FleetSkip[] = [];
  const keep = (accounts: readonly Account[] | undefined) => {
    for (const account of accounts ?? []) {
      // The id becomes part of a role ARN: only a 12-digit account id is taken.
      if (account.Id !== undefined && ACCOUNT_ID.test(account.Id) && isActive(account)) found.add(account.Id);
    }
  };

  if (parents === undefined) {
    try {
      for await (const page of paginateListAccounts({ client }, {})) keep(page.Accounts);
    } catch (error) {
      skipped.push(skip('ListAccounts', 'the organization', error));
    }
  } else {
    const queue = [...parents];
    const seen = new Set<string>();
    for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      let call = 'ListAccountsForParent';
      try {
        for await (const page of paginateListAccountsForParent({ client }, { ParentId: parent })) {
          keep(page.Accounts);
        }
        call = 'ListOrganizationalUnitsForParent';
        for await (const page of paginateListOrganizationalUnitsForParent({ client }, { ParentId: parent })) {
          for (const unit of page.OrganizationalUnits ?? []) if (unit.Id !== undefined) queue.push(unit.Id);
        }
      } catch (error) {
        skipped.push(skip(call, parent, error));
      }
    }
  }
  return { accountIds: [...found].sort(), skipped };
}

/** `State` replaces the deprecated `Status`; either says whether the account is active. */
function isActive(account: Account): boolean {
  return (account.State ?? account.Status) === 'ACTIVE';
}

function skip(call: string, what: string, error: unknown): FleetSkip {
  const failure = classifyAwsError(error);
  return {
    accountId: ORGANIZATION_SKIP_ID,
    reason: `could not list the accounts of ${what} (${call}: ${failure.message}); run discovery where organizations:List* is allowed (the management or a delegated administrator account), or set organization.roleArn`,
  };
}
