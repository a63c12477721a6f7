import type { Check } from '../../core/model.ts';
import { networkNamespacesHaveNetworkPolicy } from './network-namespaces-have-network-policy.ts';
import { networkServicesNotExposed } from './network-services-not-exposed.ts';

/** network checks, in report order. */
export const NETWORK_CHECKS: readonly Check[] = [
  networkNamespacesHaveNetworkPolicy,
  networkServicesNotExposed,
];
