import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedRbacFiles } from './constructs/cluster-rbac.ts';
import { REPO_ROOT } from './constructs/watchkeeper-function.ts';

/**
 * Writes deploy/cluster-rbac*.yaml from the shared definition in constructs/cluster-rbac.ts.
 *   node infra/render-cluster-rbac.ts           write the files
 *   node infra/render-cluster-rbac.ts --check   exit 1 if a file differs from the definition
 */
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, content] of Object.entries(generatedRbacFiles())) {
  const path = join(REPO_ROOT, file);
  if (check) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // A missing file is stale.
    }
    if (current !== content) {
      stale += 1;
      console.error(`${file} is out of date; run node infra/render-cluster-rbac.ts`);
    }
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    console.log(`wrote ${file}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
