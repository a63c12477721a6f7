import type { Check, Outcome } from '../../core/model.ts';
import { imageSource } from '../lib/images.ts';
import { fail, pass } from '../lib/outcomes.ts';
import { containerLabel } from '../lib/pod-security.ts';
import {
  type ContainerRef,
  containersOf,
  describeWorkload,
  WORKLOAD_KINDS,
  workloads,
} from '../lib/workloads.ts';

const SSH_PORTS: ReadonlySet<number> = new Set([22, 2222]);
/** SSH servers by image name part: OpenSSH, Dropbear and the common "sshd" images. */
const SSH_IMAGE = /(^|[-_./])(sshd|openssh|openssh-server|dropbear|ssh-server)([-_./]|$)/i;
/** An SSH daemon started by the entrypoint: `/usr/sbin/sshd -D`, `dropbear -F`. */
const SSH_COMMAND = /(^|[\s/])(sshd|dropbear)(\s|$)/;

/** Why a container looks like it runs an SSH server, or undefined. */
function sshSign(ref: ContainerRef): { why: string; path: string } | undefined {
  const container = ref.container;
  for (const [index, port] of (container.ports ?? []).entries()) {
    if (port.containerPort !== undefined && SSH_PORTS.has(port.containerPort)) {
      return { why: `it declares container port ${port.containerPort}`, path: `${ref.path}.ports[${index}]` };
    }
    if (/^ssh([-_]|$)/i.test(port.name ?? '')) {
      return { why: `it declares a port named "${port.name}"`, path: `${ref.path}.ports[${index}]` };
    }
  }
  if (container.image && SSH_IMAGE.test(imageSource(container.image).repository)) {
    return { why: `its image ${container.image} is an SSH server`, path: `${ref.path}.image` };
  }
  for (const field of ['command', 'args'] as const) {
    const index = (container[field] ?? []).findIndex((word) => SSH_COMMAND.test(word));
    if (index >= 0)
      return { why: `its ${field} starts an SSH daemon`, path: `${ref.path}.${field}[${index}]` };
  }
  return undefined;
}

/**
 * Heuristic, catalog §4.10 (kubescape C-0042 "SSH server running inside container"): an SSH
 * daemon in a container is a side door around Kubernetes authentication, RBAC and audit.
 * https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html
 */
export const workloadsSshNotRunning: Check = {
  id: 'workloads-ssh-not-running',
  title: 'No container runs an SSH server',
  severity: 'low',
  responsibility: 'customer',
  frameworks: [{ framework: 'eks-best-practices', requirement: 'runtime-security' }],
  reads: WORKLOAD_KINDS,
  rationale:
    'An SSH server in a container gives shell access with credentials Kubernetes does not know about: ' +
    'it bypasses RBAC on pods/exec, leaves no trace in the API server audit log, and is a favourite ' +
    'persistence mechanism after a compromise. Containers should be debugged with `kubectl exec` or ' +
    'ephemeral containers, which are authorised and logged. This is a heuristic: it looks for container ' +
    'ports 22 or 2222 or named ssh, SSH server images and entrypoints that start sshd or dropbear.',
  remediation: {
    summary:
      'Remove the SSH server and its port from the image and the pod spec; grant `pods/exec` to the people who ' +
      'need a shell, and use `kubectl debug` for troubleshooting.',
    cli: 'kubectl debug -it <pod> -n <namespace> --image=<debug-image> --target=<container>',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html',
    'https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const name = describeWorkload(workload);
      const failures: Outcome[] = [];
      for (const ref of containersOf(workload)) {
        const sign = sshSign(ref);
        if (!sign) continue;
        failures.push(
          fail(
            workload.resource,
            `heuristic: ${name}: ${containerLabel(ref)} appears to run an SSH server: ${sign.why}.`,
            { path: sign.path, evidence: { container: ref.container.name, sign: sign.why } },
          ),
        );
      }
      outcomes.push(
        ...(failures.length > 0
          ? failures
          : [pass(workload.resource, `${name} shows no sign of an SSH server.`)]),
      );
    }
    return outcomes;
  },
};
