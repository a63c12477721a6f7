import type { Check, Outcome } from '../../core/model.ts';
import { allowedBy, imageSource, resolveAllowList } from '../lib/images.ts';
import { fail, notEvaluated, pass } from '../lib/outcomes.ts';
import { containerLabel } from '../lib/pod-security.ts';
import { containersOf, describeWorkload, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * CIS EKS 5.1.4: run only images from approved registries, by default the cluster account's
 * own ECR and the AWS accounts that publish EKS add-on images (parameter `allowedRegistries`).
 * https://docs.aws.amazon.com/eks/latest/userguide/add-ons-images.html
 */
export const imagesRegistriesAllowed: Check = {
  id: 'images-registries-allowed',
  title: 'Every container image comes from an approved registry',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.1.4' },
    { framework: 'nsa-cisa-1.2', requirement: 'image-security' },
    { framework: 'eks-best-practices', requirement: 'image-security' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    'An image pulled from a public or third-party registry runs whatever its publisher (or whoever ' +
    'compromised the publisher, or typo-squatted the name) put in it, skips the scanning and signing set ' +
    "up on the organisation's own registry, and can disappear or change without notice. Mirroring approved " +
    "images into the account's ECR keeps every running image scanned, immutable and under the " +
    "organisation's control. The default allow-list is the cluster account's ECR in the cluster's region " +
    'and the AWS accounts that publish EKS add-on images; extend it with `allowedRegistries`.',
  remediation: {
    summary:
      'Copy third-party images into an ECR repository of your account (pull-through cache rules or a ' +
      'mirroring pipeline), reference them from there, and enforce the allow-list at admission (Kyverno, ' +
      'Gatekeeper or a ValidatingAdmissionPolicy); add any other approved registry to `allowedRegistries`.',
    cli:
      'aws ecr create-pull-through-cache-rule --ecr-repository-prefix docker-hub ' +
      '--upstream-registry-url registry-1.docker.io --credential-arn <secrets-manager-arn>',
    iac: 'params:\n  allowedRegistries:\n    - "{account}.dkr.ecr.{region}.amazonaws.com"\n    - "602401143452.dkr.ecr.*.amazonaws.com"',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/add-ons-images.html',
    'https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html',
  ],
  evaluate(snapshot, params) {
    const allowList = resolveAllowList(params.allowedRegistries, snapshot);
    const unresolved =
      allowList.unresolved.length > 0
        ? ` (left out of the allow-list because the cluster's account or region is unknown: ${allowList.unresolved.join(', ')})`
        : '';
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const problems: Outcome[] = [];
      const registries = new Set<string>();
      for (const ref of containersOf(workload)) {
        const image = ref.container.image ?? '';
        const subject = `${describeWorkload(workload)}: ${containerLabel(ref)}`;
        const path = `${ref.path}.image`;
        if (image.trim() === '') {
          problems.push(
            notEvaluated(workload.resource, `${subject} names no image to evaluate.`, {
              path,
              evidence: { container: ref.container.name },
            }),
          );
          continue;
        }
        const source = imageSource(image);
        const rule = allowedBy(source, allowList.patterns);
        if (rule) {
          registries.add(source.registry);
          continue;
        }
        problems.push(
          fail(
            workload.resource,
            `${subject} runs image ${image} from registry ${source.registry}, which is not on the approved list` +
              `${unresolved}.`,
            { path, evidence: { container: ref.container.name, image, registry: source.registry } },
          ),
        );
      }
      if (problems.length > 0) {
        outcomes.push(...problems);
        continue;
      }
      outcomes.push(
        pass(
          workload.resource,
          `${describeWorkload(workload)} runs only images from approved registries (${[...registries].join(', ')}).`,
          { evidence: { registries: [...registries].join(', ') } },
        ),
      );
    }
    return outcomes;
  },
};
