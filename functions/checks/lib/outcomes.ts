import type { Outcome, ResourceRef } from '../../core/model.ts';

type Extras = Pick<Outcome, 'path' | 'evidence'>;

/**
 * An outcome built field by field, the extras only when set: checks make close to a million of
 * these at 150,000 pods, and a spread of `extras` gave them as many shapes as call sites.
 */
export function outcome(
  status: Outcome['status'],
  resource: ResourceRef,
  message: string,
  extras?: Extras & Pick<Outcome, 'requirements'>,
): Outcome {
  const made: Outcome = { status, resource, message };
  if (extras?.path !== undefined) made.path = extras.path;
  if (extras?.evidence !== undefined) made.evidence = extras.evidence;
  if (extras?.requirements !== undefined) made.requirements = extras.requirements;
  return made;
}

export function pass(resource: ResourceRef, message: string, extras?: Extras): Outcome {
  return outcome('pass', resource, message, extras);
}

export function fail(resource: ResourceRef, message: string, extras?: Extras): Outcome {
  return outcome('fail', resource, message, extras);
}

export function manual(resource: ResourceRef, message: string, extras?: Extras): Outcome {
  return outcome('manual', resource, message, extras);
}

export function inherited(resource: ResourceRef, message: string, extras?: Extras): Outcome {
  return outcome('inherited', resource, message, extras);
}

export function notEvaluated(resource: ResourceRef, message: string, extras?: Extras): Outcome {
  return outcome('not_evaluated', resource, message, extras);
}

/** The EKS cluster itself as a resource. */
export function clusterResource(snapshot: {
  readonly cluster: { readonly name: string; readonly arn?: string };
}): ResourceRef {
  const { name, arn } = snapshot.cluster;
  return { kind: 'Cluster', name, ...(arn ? { arn } : {}) };
}

/** Something in a system namespace (params.systemNamespaces): left out, and the outcome says so. */
export function inSystemNamespace(resource: ResourceRef, name: string, namespace: string): Outcome {
  return {
    status: 'not_applicable',
    resource,
    message: `${name} is in system namespace ${namespace} (params.systemNamespaces) and is left out.`,
  };
}

/** A system namespace itself (params.systemNamespaces), left out of a per-namespace check. */
export function systemNamespaceLeftOut(namespace: string): Outcome {
  return {
    status: 'not_applicable',
    resource: { apiVersion: 'v1', kind: 'Namespace', name: namespace },
    message: `Namespace ${namespace} is a system namespace (params.systemNamespaces) and is left out.`,
  };
}
