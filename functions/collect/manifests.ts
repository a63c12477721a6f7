import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isRecord } from '../core/is-record.ts';

/** A parsed manifest object, untrusted: only `kind` and `metadata.name` are known to be strings. */
export interface ManifestObject extends Record<string, unknown> {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string } & Record<string, unknown>;
}

export interface ManifestProblem {
  file: string;
  /** 1-based index of the YAML document in the file. */
  document: number;
  message: string;
}

export interface LoadedManifests {
  objects: ManifestObject[];
  /** Documents that could not be used, each with the reason; loading never stops at one. */
  problems: ManifestProblem[];
  files: string[];
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** Files in the folder (recursively, sorted) that can hold manifests. */
async function manifestFiles(dir: string, skip: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && MANIFEST_FILE.test(entry.name) && !skip(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function collect(value: unknown, file: string, document: number, out: LoadedManifests): void {
  if (value === null || value === undefined) return;
  if (!isRecord(value)) {
    out.problems.push({ file, document, message: 'the document is not a Kubernetes object (not a mapping)' });
    return;
  }
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
    for (const item of value.items) collect(item, file, document, out);
    return;
  }
  const metadata = value.metadata;
  if (typeof value.kind !== 'string' || !isRecord(metadata) || typeof metadata.name !== 'string') {
    out.problems.push({
      file,
      document,
      message: 'the object has no `kind` or no `metadata.name`; add both or remove the document',
    });
    return;
  }
  out.objects.push(value as ManifestObject);
}

/**
 * Reads every YAML/JSON manifest under `dir` (multi-document YAML and `*List` objects
 * included). A broken document is reported in `problems` and the rest still load.
 * `skip` leaves out files by name (e.g. the EKS API JSON beside the manifests).
 */
export async function loadManifests(
  dir: string,
  skip: (name: string) => boolean = () => false,
): Promise<LoadedManifests> {
  const out: LoadedManifests = { objects: [], problems: [], files: [] };
  for (const path of await manifestFiles(dir, skip)) {
    const file = relative(dir, path);
    out.files.push(file);
    const text = await readFile(path, 'utf8');
    if (path.toLowerCase().endsWith('.json')) {
      try {
        collect(JSON.parse(text), file, 1, out);
      } catch (error) {
        out.problems.push({ file, document: 1, message: `invalid JSON: ${(error as Error).message}` });
      }
      continue;
    }
    parseAllDocuments(text).forEach((doc, index) => {
      if (doc.errors.length > 0) {
        out.problems.push({ file, document: index + 1, message: `invalid YAML: ${doc.errors[0]?.message}` });
        return;
      }
      collect(doc.toJS(), file, index + 1, out);
    });
  }
  return out;
}
