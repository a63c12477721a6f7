import type { Check } from '../../core/model.ts';
import { networkDefaultDenyEgress } from './network-default-deny-egress.ts';
import { networkDefaultDenyIngress } from './network-default-deny-ingress.ts';
import { networkIngressTlsEnabled } from './network-ingress-tls-enabled.ts';
import { networkIngressWafProtected } from './network-ingress-waf-protected.ts';
import { networkNamespacesHaveNetworkPolicy } from './network-namespaces-have-network-policy.ts';
import { networkPoliciesSelectPods } from './network-policies-select-pods.ts';
import { networkSensitiveInterfacesNotExposed } from './network-sensitive-interfaces-not-exposed.ts';
import { networkServicesNoExternalIps } from './network-services-no-external-ips.ts';
import { networkServicesNotExposed } from './network-services-not-exposed.ts';
import { networkServicesSshNotExposed } from './network-services-ssh-not-exposed.ts';
import { networkWorkloadsSelectedByPolicy } from './network-workloads-selected-by-policy.ts';

/** network checks, in report order. */
export const NETWORK_CHECKS: readonly Check[] = [
  networkNamespacesHaveNetworkPolicy,
  networkDefaultDenyIngress,
  networkDefaultDenyEgress,
  networkWorkloadsSelectedByPolicy,
  networkPoliciesSelectPods,
  networkServicesNotExposed,
  networkServicesNoExternalIps,
  networkSensitiveInterfacesNotExposed,
  networkServicesSshNotExposed,
  networkIngressTlsEnabled,
  networkIngressWafProtected,
];
