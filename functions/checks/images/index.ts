import type { Check } from '../../core/model.ts';
import { imagesAdmissionPolicyEnforced } from './images-admission-policy-enforced.ts';
import { imagesFromDigest } from './images-from-digest.ts';
import { imagesNotFromDeprecatedRegistries } from './images-not-from-deprecated-registries.ts';
import { imagesRegistriesAllowed } from './images-registries-allowed.ts';

/** images checks, in report order. */
export const IMAGE_CHECKS: readonly Check[] = [
  imagesRegistriesAllowed,
  imagesAdmissionPolicyEnforced,
  imagesNotFromDeprecatedRegistries,
  imagesFromDigest,
];
