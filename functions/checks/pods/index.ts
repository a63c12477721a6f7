import type { Check } from '../../core/model.ts';
import { podContainersNotPrivileged } from './pod-containers-not-privileged.ts';

/** Pod security checks, in report order. */
export const POD_CHECKS: readonly Check[] = [podContainersNotPrivileged];
