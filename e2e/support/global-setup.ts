import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the e2e variant once (→ .output/chrome-mv3-e2e, loopback pre-granted) before any e2e file runs. */
export default function setup(): void {
  if (process.env.IAT_E2E_SKIP_BUILD === '1') return;
  execFileSync('node_modules/.bin/wxt', ['build', '--mode', 'e2e'], { cwd: root, stdio: 'pipe' });
}
