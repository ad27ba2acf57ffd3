import { execSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { freePort, startRedisServer } from '../sim/src/redis/redis-server.ts';

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

describe('the image, assembled without a Docker engine', () => {
  it('installs with the Dockerfile’s own command and its CMD serves a healthy bridge', async () => {
    const app = mkdtempSync(join(tmpdir(), 'iat-image-'));
    const redis = await startRedisServer();
    const repo = new URL('..', import.meta.url).pathname;
    try {
      // Each COPY from the build context, as the Dockerfile lists them, then its install command.
      for (const copy of dockerfile.getCOPYs().filter((c) => !c.getFromFlag())) {
        const args = copy.getArguments().map((a) => a.getValue());
        const target = args
          .at(-1)!
          .replace(/^\.\//, '')
          .replace(/^\/app\/?/, '');
        for (const source of args.slice(0, -1)) {
          const dest =
            target === '' || target.endsWith('/') ? join(app, target, source.split('/').at(-1)!) : join(app, target);
          mkdirSync(join(dest, '..'), { recursive: true });
          cpSync(join(repo, source), dest, { recursive: true });
        }
      }
      const install = instructions
        .filter((i) => i.getKeyword() === 'RUN')
        .map((i) => i.getArgumentsContent()!)
        .find((cmd) => cmd.startsWith('pnpm install'))!;
      execSync(`${install} --offline`, { cwd: app, stdio: 'pipe' });

      const cmd = JSON.parse(dockerfile.getCMDs().at(-1)!.getArgumentsContent()!) as string[];
      const port = await freePort();
      const child = spawn(cmd[0]!, cmd.slice(1), {
        cwd: join(app, 'bridge'),
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          DATA_DIR: join(app, 'data'),
          PORT: String(port),
          REDIS_URL: redis.url,
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      });
      try {
        let status = 0;
        for (let i = 0; i < 100 && status !== 200; i++) {
          status = await fetch(`http://127.0.0.1:${port}/api/health`).then(
            (r) => r.status,
            () => 0,
          );
          if (status !== 200) await new Promise((r) => setTimeout(r, 200));
        }
        expect(status).toBe(200);
      } finally {
        child.kill('SIGTERM');
      }
    } finally {
      await redis.dispose();
      rmSync(app, { recursive: true, force: true });
    }
  }, 120_000);
});
