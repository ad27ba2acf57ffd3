import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the e2e variant once (→ .output/chrome-mv3-e2e, loopback pre-granted) before any e2e file runs. */
export default function setup(): void {
  if (process.env.IAT_E2E_SKIP_BUILD === '1') return;
  // WXT would set NODE_ENV to the mode, and Vite then bundles Svelte's development runtime and dev-compiled
  // components: the tests and the bench would run slower code than users get. The mode stays `e2e`.
  execFileSync('node_modules/.bin/wxt', ['build', '--mode', 'e2e'], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
