import { existsSync, readFileSync } from 'node:fs';
import { DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';

// No Docker engine runs here: the Dockerfile is parsed and checked against the repository instead of built.
const text = readFileSync(new URL('./Dockerfile', import.meta.url), 'utf8');
const dockerfile = DockerfileParser.parse(text);
const root = new URL('..', import.meta.url);
const instructions = dockerfile.getInstructions();

describe('docker/Dockerfile', () => {
  it('uses only known instructions with pinned base images', () => {
    const known = new Set(['FROM', 'WORKDIR', 'RUN', 'COPY', 'ENV', 'USER', 'VOLUME', 'EXPOSE', 'HEALTHCHECK', 'CMD']);
    for (const instruction of instructions) expect(known).toContain(instruction.getKeyword());
    for (const from of dockerfile.getFROMs()) expect(from.getImageTag()).toMatch(/^\d+/);
  });

  it('copies from the build context only files that exist', () => {
    for (const copy of dockerfile.getCOPYs()) {
      if (copy.getFromFlag()) continue;
      const args = copy.getArguments().map((a) => a.getValue());
      for (const source of args.slice(0, -1)) expect(existsSync(new URL(source, root)), source).toBe(true);
    }
  });

  it('runs the bridge as a non-root user, with its entry point present', () => {
    const users = instructions.filter((i) => i.getKeyword() === 'USER').map((i) => i.getArgumentsContent());
    expect(users.at(-1)).toBe('node');
    const cmd = dockerfile.getCMDs().at(-1)!.getArgumentsContent()!;
    const workdir = instructions
      .filter((i) => i.getKeyword() === 'WORKDIR')
      .at(-1)!
      .getArgumentsContent()!;
    const entry = JSON.parse(cmd).at(-1) as string;
    expect(existsSync(new URL(`.${workdir.replace('/app', '')}/${entry}`, root))).toBe(true);
    expect(text).toMatch(/HEALTHCHECK[\s\S]*\/api\/health/);
  });
});
