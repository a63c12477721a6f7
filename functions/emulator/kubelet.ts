import { isRecord } from '../core/is-record.ts';
import { EmulatorConfigError } from './store.ts';

/**
 * The emulated kubelets: the configuration each node's kubelet reports on `/configz`, served
 * through the API server's node proxy (`/api/v1/nodes/{name}/proxy/configz`). Given either as
 * an emulator option or, for manifests such as the demo cluster, as a JSON annotation on the
 * Node, which the emulator removes before serving the Node (a real API server has no such thing).
 */

/** Node annotation holding the kubelet configuration (JSON) the emulated kubelet reports. */
export const KUBELET_CONFIG_ANNOTATION = 'emulator.watchkeeper.dev/kubelet-config';

/** Subresources the identity may use besides get/list on its allowed kinds. */
export const EMULATED_SUBRESOURCES = ['nodes/proxy'] as const;
export type EmulatedSubresource = (typeof EMULATED_SUBRESOURCES)[number];

export interface EmulatedKubelets {
  /**
   * The objects to store, with the annotation taken off the Nodes. Read it once: `configz`
   * is complete only after it has been read to the end.
   */
  objects: Iterable<object>;
  /** Node name → the configz body, as JSON text. */
  configz: Map<string, string>;
}

/** What `/configz` answers: the configuration under the root key `kubeletconfig`. */
export function configzBody(config: object): string {
  return JSON.stringify({ kubeletconfig: config });
}

/**
 * Collects the kubelet configurations from the option (which wins) and the Node annotations,
 * as the objects stream past. A broken annotation fails the start, like a broken manifest.
 */
export function emulatedKubelets(
  objects: Iterable<object>,
  given: Readonly<Record<string, object>> | undefined,
): EmulatedKubelets {
  const configz = new Map<string, string>();
  for (const [name, config] of Object.entries(given ?? {})) configz.set(name, configzBody(config));
  const fromOption = new Set(configz.keys());

  function* stripped(): Generator<object> {
    for (const object of objects) {
      const metadata = isRecord(object) ? object.metadata : undefined;
      const annotations = isRecord(metadata) ? metadata.annotations : undefined;
      if (
        !isRecord(object) ||
        object.kind !== 'Node' ||
        !isRecord(metadata) ||
        !isRecord(annotations) ||
        !Object.hasOwn(annotations, KUBELET_CONFIG_ANNOTATION)
      ) {
        yield object;
        continue;
      }
      const name = String(metadata.name);
      const text = annotations[KUBELET_CONFIG_ANNOTATION];
      let config: unknown;
      try {
        config = typeof text === 'string' ? JSON.parse(text) : undefined;
      } catch {
        // Falls through to the error below.
      }
      if (!isRecord(config)) {
        throw new EmulatorConfigError(
          `Node ${name}: annotation ${KUBELET_CONFIG_ANNOTATION} is not a JSON object`,
        );
      }
      if (!fromOption.has(name)) configz.set(name, configzBody(config));
      const { [KUBELET_CONFIG_ANNOTATION]: _removed, ...rest } = annotations;
      yield { ...object, metadata: { ...metadata, annotations: rest } };
    }
  }
  return { objects: stripped(), configz };
}
