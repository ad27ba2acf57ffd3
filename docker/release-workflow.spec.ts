import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadYaml } from './yaml.ts';

// The release workflow cannot run here: it is parsed, and what it calls is checked against the repository.
interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean>;
}
const workflow = loadYaml<{
  on: { push: { tags: string[] } };
  jobs: Record<string, { steps: Step[] }>;
}>(new URL('../.github/workflows/release.yml', import.meta.url));
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const uses = (action: string) => steps.filter((s) => s.uses?.startsWith(`${action}@`));

const scriptsOf = (dir: string) =>
  (
    JSON.parse(readFileSync(new URL(`../${dir}package.json`, import.meta.url), 'utf8')) as {
      scripts?: Record<string, string>;
    }
  ).scripts ?? {};
const workspaceDirs: Record<string, string> = {
  '@immich-admin-tools/bridge': 'bridge/',
  '@immich-admin-tools/sim': 'sim/',
  '@immich-admin-tools/shared': 'shared/',
};

describe('.github/workflows/release.yml', () => {
  it('runs on a version tag', () => {
    expect(workflow.on.push.tags).toEqual(['v*']);
  });

  it('pushes a multi-arch image built from docker/Dockerfile to ghcr.io', () => {
    expect(uses('docker/setup-qemu-action')).toHaveLength(1);
    expect(uses('docker/setup-buildx-action')).toHaveLength(1);
    expect(uses('docker/login-action')[0]!.with).toMatchObject({ registry: 'ghcr.io' });
    const build = uses('docker/build-push-action')[0]!.with!;
    expect(String(build.platforms).split(',')).toEqual(['linux/amd64', 'linux/arm64']);
    expect(build.push).toBe(true);
    expect(existsSync(new URL(`../${String(build.file)}`, import.meta.url))).toBe(true);
    // Every build argument it passes is one the Dockerfile declares.
    const dockerfile = readFileSync(new URL('./Dockerfile', import.meta.url), 'utf8');
    for (const arg of String(build['build-args']).trim().split('\n')) {
      expect(dockerfile).toMatch(new RegExp(`^ARG ${arg.split('=')[0]}(=|$)`, 'm'));
    }
  });

  it('attaches the extension zips that pnpm build writes', () => {
    expect(uses('softprops/action-gh-release')[0]!.with).toMatchObject({ files: '.output/*.zip' });
  });

  it('calls only pnpm scripts that exist', () => {
    const calls = steps.flatMap((s) => (s.run ?? '').split(/&&|\n/)).map((c) => c.trim());
    const pnpmCalls = calls.filter((c) => c.startsWith('pnpm '));
    expect(pnpmCalls.length).toBeGreaterThan(0);
    for (const call of pnpmCalls) {
      const words = call.split(/\s+/).slice(1);
      if (words[0] === 'install' || words[0] === 'exec') continue;
      const filter = words[0] === '--filter' ? words[1]! : null;
      const script = filter ? words[2]! : words[0] === 'run' ? words[1]! : words[0]!;
      const dir = filter ? workspaceDirs[filter] : '';
      expect(dir, `workspace package ${filter}`).toBeDefined();
      expect(Object.keys(scriptsOf(dir!)), call).toContain(script);
    }
  });
});
