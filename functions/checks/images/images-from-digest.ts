import type { Check, Outcome } from '../../core/model.ts';
import { fail, inSystemNamespace, notEvaluated, pass } from '../lib/outcomes.ts';
import { containerLabel, imagePinning } from '../lib/pod-security.ts';
import { containersOf, describeWorkload, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * A tag is a movable pointer; only a digest names the exact bytes that were built, scanned and
 * approved. Catalog EKS-IMG-02 (kubescape C-0306). `pod-images-pinned` fails `:latest` and
 * untagged images; this check asks for the stronger digest pin.
 * https://kubernetes.io/docs/concepts/containers/images/#image-names
 */
export const imagesFromDigest: Check = {
  id: 'images-from-digest',
  title: 'Container images are referenced by digest',
  severity: 'low',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'image-security' },
    { framework: 'eks-best-practices', requirement: 'image-security' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    'Anyone who can push to a repository can move a tag, and a mutable ECR repository lets the same tag ' +
    'point to different images over time: the image that was scanned and approved is then not necessarily ' +
    'the one a node pulls on its next restart. A digest (`repo@sha256:…`) is immutable, so every replica ' +
    'runs the same verified bytes and a rollback restores exactly what ran before. Workloads in system ' +
    'namespaces (EKS add-ons, whose manifests AWS publishes by tag) are left out.',
  remediation: {
    summary:
      'Resolve each tag to its digest at deploy time (CI, Helm or Kustomize image transformers, or a ' +
      'Kyverno mutate rule) and reference `repository:tag@sha256:<digest>`; make ECR tags immutable too.',
    cli:
      'aws ecr describe-images --repository-name <repo> --image-ids imageTag=<tag> ' +
      "--query 'imageDetails[0].imageDigest'",
    iac: 'containers:\n  - name: app\n    image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2@sha256:<digest>',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/containers/images/#image-names',
    'https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html',
    'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html',
  ],
  evaluate(snapshot, params) {
    const system = new Set(params.systemNamespaces);
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const name = describeWorkload(workload);
      const namespace = workload.resource.namespace ?? 'default';
      if (system.has(namespace)) {
        outcomes.push(inSystemNamespace(workload.resource, name, namespace));
        continue;
      }
      const problems: Outcome[] = [];
      for (const ref of containersOf(workload)) {
        const image = ref.container.image ?? '';
        const subject = `${name}: ${containerLabel(ref)}`;
        const extras = { path: `${ref.path}.image`, evidence: { container: ref.container.name, image } };
        if (image.trim() === '') {
          problems.push(notEvaluated(workload.resource, `${subject} names no image to evaluate.`, extras));
          continue;
        }
        const pinning = imagePinning(image);
        if (pinning === 'digest') continue;
        problems.push(
          fail(
            workload.resource,
            `${subject} uses image ${image}, ` +
              (pinning === 'tag'
                ? 'pinned by tag only: a moved tag changes what runs.'
                : 'with no digest and a tag that moves with every push.'),
            extras,
          ),
        );
      }
      outcomes.push(
        ...(problems.length > 0
          ? problems
          : [pass(workload.resource, `${name} references every image by digest.`)]),
      );
    }
    return outcomes;
  },
};
