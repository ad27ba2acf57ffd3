import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../bridge/src/config.ts';
import { loadYaml } from './yaml.ts';

// No Docker engine here: the compose snippet is read as compose would, and its environment fed to the bridge's
// own configuration parser.
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  depends_on?: string[];
  profiles?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  mem_limit?: string;
}
const compose = loadYaml<{ services: Record<string, Service>; volumes: Record<string, unknown> }>(
  new URL('./docker-compose.yml', import.meta.url),
);
const bridge = compose.services['immich-admin-tools']!;
const proxy = compose.services['docker-socket-proxy']!;

/** `.env.example` as compose reads an .env file. */
const example = Object.fromEntries(
  readFileSync(new URL('./.env.example', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

/** Compose's interpolation: `${VAR}` (unset → empty) and `${VAR:-default}` (unset or empty → default). */
const interpolate = (value: string, env: Record<string, string>) =>
  value.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) =>
    fallback !== undefined ? env[name] || fallback : (env[name] ?? ''),
  );
const environment = (env: Record<string, string>) =>
  Object.fromEntries(Object.entries(bridge.environment!).map(([k, v]) => [k, interpolate(String(v), env)]));

const dataDirs: string[] = [];
const dataDir = () => {
  dataDirs.push(mkdtempSync(join(tmpdir(), 'iat-compose-')));
  return dataDirs.at(-1)!;
};
afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('docker/docker-compose.yml', () => {
  it("joins Immich's stack by its service names, built from the sources beside Immich's compose file", () => {
    expect(bridge.depends_on).toContain('redis');
    expect(bridge.environment).toMatchObject({ IMMICH_API_URL: 'http://immich-server:2283' });
    expect(interpolate(String(bridge.environment!.REDIS_HOSTNAME), {})).toBe('redis');
    expect(bridge.build!.context).toBe('./immich-admin-tools');
    // The context is this repository: its Dockerfile must be where the snippet says.
    expect(existsSync(new URL(`../${bridge.build!.dockerfile}`, import.meta.url))).toBe(true);
    expect(bridge.volumes).toEqual(['immich-admin-tools:/data']);
    expect(Object.keys(compose.volumes)).toContain('immich-admin-tools');
  });

  it('is hardened, with the port on loopback unless told otherwise', () => {
    expect(bridge).toMatchObject({ read_only: true, cap_drop: ['ALL'], tmpfs: ['/tmp'] });
    expect(bridge.security_opt).toContain('no-new-privileges:true');
    expect(bridge.mem_limit).toMatch(/^\d+m$/);
    expect(bridge.ports!.map((p) => interpolate(p, {}))).toEqual(['127.0.0.1:2285:3000']);
    expect(bridge.ports!.map((p) => interpolate(p, example))).toEqual(['127.0.0.1:2285:3000']);
  });

  it('restarts Immich only through an optional socket proxy that allows restarts and no other write', () => {
    expect(proxy.profiles).toEqual(['restart']);
    expect(proxy.environment).toMatchObject({ CONTAINERS: 1, ALLOW_RESTARTS: 1, POST: 0 });
    expect(proxy.volumes).toEqual(['/var/run/docker.sock:/var/run/docker.sock:ro']);
    expect(bridge.volumes!.join()).not.toContain('docker.sock');
    expect(bridge.environment!.DOCKER_HOST).toBe('tcp://docker-socket-proxy:2375');
    expect(interpolate(String(bridge.environment!.IMMICH_CONTAINER_NAME), example)).toBe('immich_server');
  });

  it('gives the bridge a valid configuration from .env.example once the API key is filled in', () => {
    const env = environment({ ...example, IMMICH_ADMIN_TOOLS_API_KEY: 'an-admin-api-key' });
    const config = loadConfig({ ...env, DATA_DIR: dataDir() });
    // The token left empty is generated, not refused.
    expect(config).toMatchObject({ tokenGenerated: true, immich: { apiUrl: 'http://immich-server:2283/api' } });
    expect(config.redis).toEqual({ kind: 'options', options: { host: 'redis', port: 6379, db: 0 } });
  });

  it('says which variable is missing when the API key is left empty', () => {
    try {
      loadConfig({ ...environment(example), DATA_DIR: dataDir() });
      expect.unreachable('an empty API key must stop start-up');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^IMMICH_API_KEY: missing/)]);
    }
  });
});
