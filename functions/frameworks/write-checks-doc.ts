import { writeFile } from 'node:fs/promises';
import { CHECKS } from '../checks/index.ts';
import { DEFAULT_SYSTEM_COMPONENTS } from '../core/system-components.ts';
import { renderChecksDoc } from './docs.ts';
import { FRAMEWORKS } from './index.ts';

/** `npm run docs:checks`: regenerates docs/checks.md from the registry and the framework files. */
const target = new URL('../../docs/checks.md', import.meta.url);
await writeFile(target, renderChecksDoc(CHECKS, FRAMEWORKS, DEFAULT_SYSTEM_COMPONENTS));
process.stdout.write(`Wrote ${target.pathname}\n`);
