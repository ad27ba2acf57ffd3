import { execSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser, type Copy, type Instruction, type PropertyInstruction } from 'dockerfile-ast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_NODE_ENV, BRIDGE_NODE_FLAGS } from '../bridge/bench/processes.ts';
import { freePort, startRedisServer, type RedisServer } from '../sim/src/redis/redis-server.ts';

// No Docker engine runs here: the Dockerfile is linted, and the image's file layout is assembled from what its
// stages produce (the bundle built with the Dockerfile's own command), then started as its CMD would start it.
const text = readFileSync(new URL('./Dockerfile', import.meta.url), 'utf8');
const dockerfile = DockerfileParser.parse(text);
const repo = fileURLToPath(new URL('..', import.meta.url));

interface Stage {
  name: string | null;
  image: string;
  instructions: Instruction[];
}
const stages: Stage[] = [];
for (const instruction of dockerfile.getInstructions()) {
  if (instruction.getKeyword() === 'FROM') {
    const from = dockerfile.getFROMs().find((f) => f.getRange().start.line === instruction.getRange().start.line)!;
    stages.push({ name: from.getBuildStage(), image: from.getImage()!, instructions: [] });
  } else {
    stages.at(-1)?.instructions.push(instruction);
  }
}
const final = stages.at(-1)!;
const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.getKeyword() === keyword);
const args = (instruction: Instruction) => instruction.getArguments().map((a) => a.getValue());
const copies = (stage: Stage) => of(stage, 'COPY') as Copy[];
const properties = (stage: Stage, keyword: 'ENV' | 'LABEL') =>
  new Map(
    of(stage, keyword)
      .flatMap((i) => (i as PropertyInstruction).getProperties())
      .map((p) => [p.getName(), (p.getUnescapedValue() ?? '').replace(/^"(.*)"$/s, '$1')] as const),
  );
const runs = (stage: Stage) => of(stage, 'RUN').map((i) => i.getArgumentsContent()!.replace(/\\\n\s*/g, ''));
// Whether .dockerignore keeps a path out of the build context (its patterns: paths, or a name at any depth).
const ignored = (path: string) =>
  readFileSync(join(repo, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .some((pattern) => {
      const segments = path.split('/');
      if (pattern.startsWith('**/')) return segments.includes(pattern.slice(3));
      return path === pattern || path.startsWith(`${pattern}/`);
    });
const cmd = () => JSON.parse(of(final, 'CMD').at(-1)!.getArgumentsContent()!) as string[];

describe('docker/Dockerfile', () => {
  it('uses only known instructions, multi-stage on one pinned Node LTS base', () => {
    const known = new Set([
      'ARG',
      'FROM',
      'LABEL',
      'WORKDIR',
      'RUN',
      'COPY',
      'ENV',
      'USER',
      'VOLUME',
      'EXPOSE',
      'HEALTHCHECK',
      'CMD',
    ]);
    for (const instruction of dockerfile.getInstructions()) expect(known).toContain(instruction.getKeyword());
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const from of dockerfile.getFROMs()) expect(from.getImageTag()).toMatch(/^(20|22|24)-(alpine|slim)/);
    expect(new Set(stages.map((s) => s.image)).size).toBe(1);
  });

  it('copies from the build context only files that exist, and only into build stages', () => {
    for (const stage of stages) {
      for (const copy of copies(stage).filter((c) => !c.getFromFlag())) {
        expect(stage, 'the image takes nothing from the context itself').not.toBe(final);
        for (const source of args(copy).slice(0, -1)) {
          expect(existsSync(join(repo, source)), source).toBe(true);
          expect(ignored(source), `${source} is in .dockerignore`).toBe(false);
        }
      }
      for (const copy of copies(stage).filter((c) => c.getFromFlag())) {
        const earlier = stages.slice(0, stages.indexOf(stage)).map((s) => s.name);
        expect(earlier).toContain(copy.getFromFlag()!.getValue());
      }
    }
  });

  it('keeps compilers out of the image, and the workspace install reproducible', () => {
    expect(runs(final).join('\n')).not.toMatch(/apk add|apt-get|npm install|pnpm install/);
    for (const install of stages.flatMap(runs).filter((r) => r.startsWith('pnpm install'))) {
      expect(install).toContain('--frozen-lockfile');
    }
  });

  it('runs as non-root on port 3000 with a /data volume, a health check, OCI labels and a capped heap', () => {
    expect(of(final, 'USER').at(-1)!.getArgumentsContent()).toBe('node');
    expect(of(final, 'VOLUME').map((v) => v.getArgumentsContent())).toEqual(['["/data"]']);
    expect(of(final, 'EXPOSE').map((v) => v.getArgumentsContent())).toEqual(['3000']);
    expect(Object.fromEntries(properties(final, 'ENV'))).toMatchObject({ PORT: '3000', DATA_DIR: '/data' });
    const healthcheck = of(final, 'HEALTHCHECK')[0]!.getArgumentsContent()!;
    expect(healthcheck).toMatch(/CMD \["node", "-e", ".*fetch\(.*\/api\/health/);
    expect(healthcheck).not.toMatch(/curl|wget/);
    const labels = properties(final, 'LABEL');
    for (const key of ['title', 'description', 'licenses', 'source', 'version']) {
      expect(labels.get(`org.opencontainers.image.${key}`), key).toBeDefined();
    }
    expect(labels.get('org.opencontainers.image.licenses')).toBe('AGPL-3.0-only');
    // What the bench measures is what the image runs.
    expect(cmd()).toEqual(['node', ...BRIDGE_NODE_FLAGS, 'main.js']);
    expect(Object.fromEntries(properties(final, 'ENV'))).toMatchObject(BRIDGE_NODE_ENV);
  });
});

describe('the image, assembled without a Docker engine', () => {
  const app = mkdtempSync(join(tmpdir(), 'iat-image-'));
  const native = mkdtempSync(join(tmpdir(), 'iat-native-'));
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.dispose();
    rmSync(app, { recursive: true, force: true });
    rmSync(native, { recursive: true, force: true });
  });

  const stage = (name: string) => stages.find((s) => s.name === name)!;
  const workdir = (s: Stage) => of(s, 'WORKDIR').at(-1)!.getArgumentsContent()!;
  const fromStage = (name: string) => copies(final).filter((c) => c.getFromFlag()?.getValue() === name);

  it('the native stage’s install yields every folder the image copies from it', () => {
    const nativeStage = stage('native');
    for (const copy of copies(nativeStage)) {
      for (const source of args(copy).slice(0, -1)) {
        const target = join(native, args(copy).at(-1)!, source.split('/').at(-1)!);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(repo, source), target);
      }
    }
    // Offline from the local store, and without install scripts: only the layout is checked here.
    const install = runs(nativeStage).find((r) => r.startsWith('pnpm install'))!;
    execSync(`${install} --offline --ignore-scripts`, { cwd: native, stdio: 'pipe' });
    for (const copy of fromStage('native')) {
      const source = args(copy)[0]!.replace(`${workdir(nativeStage)}/`, '');
      if (source.includes('/build/')) continue; // the compiled addon: produced by the install script
      expect(existsSync(join(native, source)), source).toBe(true);
    }
  }, 60_000);

  it('runs the bundle built by the bundle stage’s command, with the native addon, and serves /api/health', async () => {
    const bundleStage = stage('bundle');
    execSync(runs(bundleStage).at(-1)!, { cwd: repo, stdio: 'pipe' });
    // The addon as this machine built it (the image builds its own for its architecture).
    const requireFromBridge = createRequire(join(repo, 'bridge/package.json'));
    const sqliteDir = dirname(realpathSync(requireFromBridge.resolve('better-sqlite3/package.json')));
    const requireFromSqlite = createRequire(join(sqliteDir, 'package.json'));
    const packageDir = (name: string) =>
      name === 'better-sqlite3' ? sqliteDir : dirname(realpathSync(requireFromSqlite.resolve(`${name}/package.json`)));

    for (const copy of copies(final).filter((c) => c.getFromFlag())) {
      const sources = args(copy).slice(0, -1);
      const target = args(copy).at(-1)!.replace(/^\.\//, '');
      const from = stage(copy.getFromFlag()!.getValue()!);
      for (const source of sources) {
        const rel = source.replace(`${workdir(from)}/`, '');
        const local = rel.startsWith('node_modules/')
          ? join(packageDir(rel.split('/')[1]!), rel.split('/').slice(2).join('/'))
          : join(repo, rel);
        // As COPY does: into a folder when the target ends in "/" (or several sources go there), else as named.
        const dest =
          target === '' || target.endsWith('/') ? join(app, target, rel.split('/').at(-1)!) : join(app, target);
        mkdirSync(dirname(dest), { recursive: true });
        cpSync(local, dest, { recursive: true });
      }
    }
    const copiedMb = folderBytes(app) / 1024 / 1024;
    console.log(`image layout: ${copiedMb.toFixed(1)} MB copied onto ${final.image}`);
    expect(copiedMb).toBeLessThan(30);

    const port = await freePort();
    const [node, ...nodeArgs] = cmd();
    const env = Object.fromEntries(properties(final, 'ENV'));
    const child = spawn(node === 'node' ? process.execPath : node!, nodeArgs, {
      cwd: app,
      env: { ...env, PATH: process.env.PATH, DATA_DIR: join(app, 'data'), PORT: String(port), REDIS_URL: redis.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let status = 0;
      for (let i = 0; i < 150 && status !== 200 && child.exitCode === null; i++) {
        status = await fetch(`http://127.0.0.1:${port}/api/health`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status, output).toBe(200);
      // The health check's own one-liner, as Docker would run it inside the container.
      const healthcheck = /CMD (\[.*\])/.exec(of(final, 'HEALTHCHECK')[0]!.getArgumentsContent()!)![1]!;
      const [, flag, script] = JSON.parse(healthcheck) as string[];
      execSync(`"${process.execPath}" ${flag} "${script!.replace(/"/g, '\\"')}"`, { env: { PORT: String(port) } });
      // `docker stop` sends SIGTERM: the bridge stops cleanly.
      child.kill('SIGTERM');
      expect(await exited, output).toBe(0);
      expect(output).toMatch(/"msg":"stopped"/);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? folderBytes(path) : statSync(path).size);
  }, 0);
}
