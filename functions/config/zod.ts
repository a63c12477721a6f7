import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * The zod every schema of Watchkeeper uses: `zod/mini`, zod 4's functional API, of which a
 * bundle keeps only the pieces it calls. The method-chaining `zod` carries all of zod (about
 * 450 kB minified) into every Lambda bundle; cold starts pay for it.
 *
 * `zod/mini` loads no locale, so every message we do not write ourselves would read "Invalid
 * input". The English locale is loaded here, once, before any schema is parsed: such messages
 * read exactly as they do with `zod` ("Unrecognized key: …", "Invalid input: expected string,
 * received number").
 *
 * Import it as `import * as z from '…/config/zod.ts'`, never `zod/mini` directly (its messages
 * would depend on whether this module happened to load first). A star re-export, not a `z`
 * object: esbuild drops what a bundle does not call only while `z` stays a namespace import.
 */
config(en());

export * from 'zod/mini';
