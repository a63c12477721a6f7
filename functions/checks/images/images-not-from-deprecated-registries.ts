import type { Check, Outcome } from '../../core/model.ts';
import { deprecatedRegistry, imageSource } from '../lib/images.ts';
import { fail, pass } from '../lib/outcomes.ts';
import { containerLabel } from '../lib/pod-security.ts';
import { containersOf, describeWorkload, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * `k8s.gcr.io` was frozen on 2023-04-03: nothing published there since, security fixes
 * included. Catalog EKS-IMG-05 (kubescape C-0253).
 * https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/
 */
export const imagesNotFromDeprecatedRegistries: Check = {
  id: 'images-not-from-deprecated-registries',
  title: 'No container image comes from the frozen k8s.gcr.io registry',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'image-security' },
    { framework: 'eks-best-practices', requirement: 'image-security' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    'The Kubernetes project moved its images to registry.k8s.io and froze k8s.gcr.io: images referenced ' +
    'there are at least as old as the freeze and will never get a patched version, so the component keeps ' +
    'every vulnerability found since. The old registry may also stop serving images entirely, which turns ' +
    'the next node replacement into an outage.',
  remediation: {
    summary:
      'Reference the same image on registry.k8s.io (or, better, a mirror in your ECR) and upgrade it to a ' +
      'supported release; update Helm chart values that still default to k8s.gcr.io.',
    cli: 'kubectl set image deployment/<name> <container>=registry.k8s.io/<image>:<tag> -n <namespace>',
  },
  docs: [
    'https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/',
    'https://kubernetes.io/blog/2023/03/10/image-registry-redirect/',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const failures: Outcome[] = [];
      for (const ref of containersOf(workload)) {
        const image = ref.container.image ?? '';
        if (image.trim() === '') continue;
        const source = imageSource(image);
        const replacement = deprecatedRegistry(source);
        if (!replacement) continue;
        failures.push(
          fail(
            workload.resource,
            `${describeWorkload(workload)}: ${containerLabel(ref)} runs image ${image} from the frozen registry ` +
              `${source.registry}; use ${replacement}.`,
            {
              path: `${ref.path}.image`,
              evidence: { container: ref.container.name, image, registry: source.registry, replacement },
            },
          ),
        );
      }
      outcomes.push(
        ...(failures.length > 0
          ? failures
          : [pass(workload.resource, `${describeWorkload(workload)} uses no image from a frozen registry.`)]),
      );
    }
    return outcomes;
  },
};
