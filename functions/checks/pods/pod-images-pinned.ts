import type { Check, Outcome } from '../../core/model.ts';
import { fail, notEvaluated, pass } from '../lib/outcomes.ts';
import { containerLabel, imagePinning } from '../lib/pod-security.ts';
import { containersOf, describeWorkload, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * An image named without a tag, or by `:latest`, is whatever was pushed last. Catalog
 * EKS-IMG-01/02: https://kubernetes.io/docs/concepts/containers/images/#image-names
 */
export const podImagesPinned: Check = {
  id: 'pod-images-pinned',
  title: 'Container images are pinned to a specific tag or digest',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'image-security' },
    { framework: 'eks-best-practices', requirement: 'image-security' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    'An image reference without a tag means `:latest`, and `:latest` moves with every push: two replicas ' +
    'of the same pod can run different code, a rollback does not roll back, the image that was scanned is ' +
    'not necessarily the one that runs, and anyone able to push to the repository changes production on ' +
    'the next restart. A specific tag fixes the version by convention; a digest fixes the exact bytes.',
  remediation: {
    summary:
      'Reference every image by a specific version tag, or better by digest (`repo@sha256:…`), and make ' +
      'the ECR repository tags immutable so a tag cannot be moved.',
    cli:
      'aws ecr put-image-tag-mutability --repository-name <repo> --image-tag-mutability IMMUTABLE\n' +
      'kubectl set image deployment/<name> <container>=<registry>/<repo>@sha256:<digest> -n <namespace>',
    iac: 'containers:\n  - name: app\n    image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2@sha256:<digest>',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/containers/images/#image-names',
    'https://aws.github.io/aws-eks-best-practices/security/docs/image/',
    'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const problems: Outcome[] = [];
      let tagOnly = 0;
      for (const ref of containersOf(workload)) {
        const image = ref.container.image ?? '';
        const subject = `${describeWorkload(workload)}: ${containerLabel(ref)}`;
        const extras = { path: `${ref.path}.image`, evidence: { container: ref.container.name, image } };
        if (image.trim() === '') {
          problems.push(notEvaluated(workload.resource, `${subject} names no image to evaluate.`, extras));
          continue;
        }
        const pinning = imagePinning(image);
        if (pinning === 'tag') tagOnly += 1;
        if (pinning === 'none') {
          problems.push(
            fail(
              workload.resource,
              `${subject} uses image ${image} with no tag or digest, so it pulls :latest.`,
              extras,
            ),
          );
        } else if (pinning === 'latest') {
          problems.push(
            fail(
              workload.resource,
              `${subject} uses image ${image}, whose :latest tag moves with every push.`,
              extras,
            ),
          );
        }
      }
      if (problems.length > 0) {
        outcomes.push(...problems);
      } else {
        const message =
          tagOnly > 0
            ? `${describeWorkload(workload)} pins every image to a specific tag or digest (${tagOnly} by tag ` +
              'only; a digest also protects against a moved tag).'
            : `${describeWorkload(workload)} pins every image to a digest.`;
        outcomes.push(pass(workload.resource, message));
      }
    }
    return outcomes;
  },
};
