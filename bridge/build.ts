/**
 * `pnpm --filter @immich-admin-tools/bridge bundle`: the bridge as one ESM file, `bridge/dist/main.js`, which
 * the image runs with plain `node` (no tsx loader). Next to it: `lua/` (scripts.ts reads `./lua/*.lua`
 * relative to the module). Native modules stay external and come from node_modules at run time.
 */
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Packages with native addons, loaded from node_modules: `better-sqlite3` (and what it requires). */
export const EXTERNAL = ['better-sqlite3'];

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const outdir = here('./dist');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [here('./src/main.ts')],
  outfile: `${outdir}/main.js`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: EXTERNAL,
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle a real one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  sourcemap: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});
cpSync(here('./src/redis/lua'), `${outdir}/lua`, { recursive: true });

const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
process.stdout.write(`bridge/dist/main.js written (${(bytes / 1024 / 1024).toFixed(1)} MB with its map), lua/ copied\n`);
