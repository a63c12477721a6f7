/**
 * The collector redacts a value when its name looks sensitive or the value itself looks like
 * a credential (`core/redaction.ts`), and errs towards hiding: `GF_AUTH_ANONYMOUS_ORG_ROLE`
 * loses its value because the name mentions auth. The checks that report redacted values as
 * credentials use this to tell the likely false alarms apart.
 */
import { isSensitiveName } from '../../core/redaction.ts';

/** Name endings that denote configuration (a role, a URL, a switch), not a secret value. */
const CONFIGURATION_SUFFIX =
  /(^|[_.-])(role|roles|enabled|disabled|mode|type|url|uri|endpoint|host|hostname|port|path|file|name|method|provider|scope|scopes|issuer|domain|timeout|ttl|level|version)$/i;

/**
 * True when a redacted value was most likely hidden for its name alone and the name denotes
 * configuration (`OAUTH_TOKEN_URL`, `GF_AUTH_ANONYMOUS_ORG_ROLE`). A name that is not
 * sensitive at all (`DATABASE_URL`) means the value itself looked like a credential, so it
 * is never treated as a likely false alarm. Heuristic.
 */
export function likelyConfigurationName(name: string): boolean {
  return isSensitiveName(name) && CONFIGURATION_SUFFIX.test(name);
}
