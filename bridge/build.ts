/**
 * `pnpm --filter @immich-admin-tools/bridge bundle`: the bridge as one ESM file, `bridge/dist/main.js`, which
 * the image runs with plain `node` (no tsx loader). Next to it: `lua/` (scripts.ts reads `./lua/*.lua`
 * relative to the module) and a package.json saying ESM. Native modules stay external and come from
 * node_modules at run time.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Packages with native addons, left to node_modules: `better-sqlite3` (required at run time), and
 * `cpu-features`, an optional addon of ssh2 (under dockerode) that ssh2 does without when it is absent.
 */
export const EXTERNAL = ['better-sqlite3', 'cpu-features'];

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const outdir = here('./dist');

// Written over in place (no clean first): a bridge or bench running from dist/ keeps finding its files.
const result = await build({
  entryPoints: [here('./src/main.ts')],
  outfile: `${outdir}/main.js`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: EXTERNAL,
  // CommonJS dependencies call require() for Node built-ins and read __dirname (ssh2): give the ESM bundle both.
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { dirname as __pathDirname } from 'node:path';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileURLToPath(import.meta.url);',
      'const __dirname = __pathDirname(__filename);',
    ].join(' '),
  },
  // Smaller source to hold in memory; the map (run node with --enable-source-maps) gives readable stacks.
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});
cpSync(here('./src/redis/lua'), `${outdir}/lua`, { recursive: true });
// dist/ copied on its own (the image) still loads main.js as ESM.
writeFileSync(`${outdir}/package.json`, '{ "type": "module" }\n');

const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
process.stdout.write(
  `bridge/dist/main.js written (${(bytes / 1024 / 1024).toFixed(1)} MB with its map), lua/ copied\n`,
);
