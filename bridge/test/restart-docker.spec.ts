import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ErrorBody,
  HistoryResponse,
  QueuesResponse,
  RestartResponse,
  StatusResponse,
} from '@immich-admin-tools/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addImmichJobs } from '../../sim/src/bull/immich-queues.ts';
import { startFakeDocker, type FakeDocker } from '../../sim/src/fake-docker/fake-docker.ts';
import { ASSETS, OTHER_USER } from '../../sim/src/fake-immich/assets.ts';
import { startRedisServer, type RedisServer } from '../../sim/src/redis/redis-server.ts';
import { startHarness, type BridgeHarness } from './harness.ts';

const mine = ASSETS.filter((a) => a.ownerId !== OTHER_USER.id);
const queue = 'videoConversion';
const key = (id: string) => `immich_bull:${queue}:${id}`;

let redisServer: RedisServer;
let docker: FakeDocker;
let h: BridgeHarness;
const socketDir = mkdtempSync(join(tmpdir(), 'iat-docker-'));

beforeAll(async () => {
  redisServer = await startRedisServer();
  // immich_server played by a worker process: concurrency 1, every job hangs.
  docker = await startFakeDocker({
    socketPath: join(socketDir, 'docker.sock'),
    worker: { redisUrl: redisServer.url, queue, behavior: 'hang', concurrency: 1 },
  });
  h = await startHarness(
    { DOCKER_HOST: `unix://${docker.socketPath}`, STUCK_THRESHOLDS: `${queue}=1`, QUARANTINE_AFTER: '0' },
    redisServer,
  );
});

afterAll(async () => {
  await h?.close();
  await docker?.stop();
  await redisServer?.dispose();
  rmSync(socketDir, { recursive: true, force: true });
});

describe('restarting Immich through the Docker Engine API', () => {
  it('checks the container at start-up', async () => {
    const status = (await h.api<StatusResponse>('/api/status')).body;
    expect(status.restart).toEqual({ available: true, container: 'immich_server', reason: null });
    expect(docker.requests).toContain('GET /containers/immich_server/json');
  });

  it('clear-all-and-restart frees the slot a hung job held: the waiting job runs', async () => {
    const [hung, waiting] = await addImmichJobs(redisServer.url, queue, [
      { name: 'AssetEncodeVideo', data: { id: mine[0]!.id } },
      { name: 'AssetEncodeVideo', data: { id: mine[1]!.id } },
    ]);
    expect(await docker.worker.waitForActive(1)).toEqual([hung]);
    await h.until(
      async () => {
        const q = (await h.api<QueuesResponse>('/api/queues')).body.queues.find((x) => x.name === queue);
        return q?.stuckJobs.some((j) => j.jobId === hung && j.state === 'hung') ? true : undefined;
      },
      10_000,
      'hung',
    );
    const before = docker.worker.pid;
    const res = await h.api<RestartResponse>('/api/actions/clear-all-and-restart', {
      method: 'POST',
      json: { mode: 'fail' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ restarted: true, container: 'immich_server' });
    expect(res.body.cleared).toMatchObject({ cleared: 1, slotsStillHeld: 1 });
    expect(docker.restarts).toBe(1);
    expect(docker.worker.pid).not.toBe(before);
    // The new process has its one slot free: it takes the job that waited behind the hung one.
    expect(await docker.worker.waitForActive(1)).toEqual([waiting]);
    expect(await h.redis.zscore(key('failed'), hung!)).not.toBeNull();

    const restarted = await h.until(
      async () => {
        const items = (await h.api<HistoryResponse>('/api/history?event=immich_restarted')).body.items;
        return items.length > 0 ? items : undefined;
      },
      15_000,
      'immich_restarted',
    );
    expect(restarted).toHaveLength(1);
    expect(restarted[0]).toMatchObject({ actor: 'user' });
    expect(restarted[0]!.detail).toMatchObject({ container: 'immich_server', workersBack: true, queues: [queue] });
    expect(restarted[0]!.detail!.workersBackSeconds).toEqual(expect.any(Number));
    const cleared = (await h.api<HistoryResponse>(`/api/history?event=stuck_job_cleared&jobId=${hung}`)).body.items;
    expect(cleared[0]).toMatchObject({ actor: 'user', mode: 'fail' });
  });

  it('refuses another restart within the cooldown, saying when to try again, and clears nothing', async () => {
    for (const path of ['/api/actions/restart-immich', '/api/actions/clear-all-and-restart']) {
      const res = await h.api<ErrorBody>(path, { method: 'POST', json: {} });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
      expect(res.body.error.retryAfterSeconds).toBeGreaterThan(25 * 60);
    }
    expect(docker.restarts).toBe(1);
  });

  it('auto-heal with clear_and_restart fails the hung job and restarts Immich by itself', async () => {
    // The job that ran after the first restart hangs in turn; another waits behind it.
    const [hung] = await docker.worker.waitForActive(1);
    const [waiting] = await addImmichJobs(redisServer.url, queue, [
      { name: 'AssetEncodeVideo', data: { id: mine[2]!.id } },
    ]);
    const set = await h.api('/api/settings', {
      method: 'PUT',
      json: { autoHeal: { enabled: true, action: 'clear_and_restart', intervalSeconds: 1, restartCooldownMinutes: 0 } },
    });
    expect(set.status).toBe(200);
    try {
      await h.until(async () => (docker.restarts === 2 ? true : undefined), 20_000, 'the second restart');
      expect(await docker.worker.waitForActive(1)).toEqual([waiting]);
      expect(await h.redis.zscore(key('failed'), hung!)).not.toBeNull();
      const restarted = await h.until(
        async () => {
          const items = (await h.api<HistoryResponse>('/api/history?event=immich_restarted')).body.items;
          return items.length > 1 ? items : undefined;
        },
        15_000,
        'second immich_restarted',
      );
      expect(restarted[0]).toMatchObject({ actor: 'auto-heal' });
      expect(restarted[0]!.detail).toMatchObject({ slotsStillHeld: 1, workersBack: true });
      const status = (await h.api<StatusResponse>('/api/status')).body.autoHeal;
      expect(status.lastActions?.some((a) => a.action === 'restart' && a.result === 'done')).toBe(true);
    } finally {
      await h.api('/api/settings', { method: 'PUT', json: { autoHeal: { enabled: false } } });
    }
  });

  it('answers 503 NOT_CONFIGURED, with the reason, when there is no Docker API', async () => {
    const other = await startHarness({ DOCKER_HOST: `unix://${join(socketDir, 'missing.sock')}` }, redisServer);
    try {
      const status = (await other.api<StatusResponse>('/api/status')).body.restart!;
      expect(status.available).toBe(false);
      expect(status.reason).toMatch(/no Docker API/);
      const res = await other.api<ErrorBody>('/api/actions/restart-immich', { method: 'POST' });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('NOT_CONFIGURED');
      expect(res.body.error.message).toMatch(/DOCKER_HOST/);
    } finally {
      await other.close();
    }
  });
});

describe('Docker control that comes up after the bridge', () => {
  it('is found by a later look, logged once each way, and the restart works; status reads never ask Docker', async () => {
    const socketPath = join(socketDir, 'late.sock');
    const logs: { module?: string; msg: string }[] = [];
    const late = await startHarness({ DOCKER_HOST: `unix://${socketPath}`, LOG_LEVEL: 'info' }, redisServer, {
      logDestination: { write: (line: string) => void logs.push(JSON.parse(line) as { msg: string }) },
    });
    let lateDocker: FakeDocker | undefined;
    try {
      const before = (await late.api<StatusResponse>('/api/status')).body.restart;
      expect(before).toMatchObject({ available: false, reason: expect.stringMatching(/no Docker API/) });
      // The socket proxy starts now, as compose may start it after the bridge.
      lateDocker = await startFakeDocker({
        socketPath,
        worker: { redisUrl: redisServer.url, queue: 'ocr', behavior: 'hang', concurrency: 1 },
      });
      const found = await late.until(
        async () => {
          const status = (await late.api<StatusResponse>('/api/status')).body.restart;
          return status?.available ? status : undefined;
        },
        20_000,
        'restarts to become available',
      );
      expect(found).toEqual({ available: true, container: 'immich_server', reason: null });
      const asked = lateDocker.requests.length;
      for (let i = 0; i < 5; i++) await late.api('/api/status');
      expect(lateDocker.requests).toHaveLength(asked);

      const restarted = await late.api<RestartResponse>('/api/actions/restart-immich', { method: 'POST' });
      expect(restarted.status).toBe(200);
      expect(lateDocker.restarts).toBe(1);
      expect(
        logs
          .filter((line) => line.module === 'restart' && line.msg.startsWith('Immich restarts are'))
          .map((l) => l.msg),
      ).toEqual(['Immich restarts are not available; the bridge keeps looking', 'Immich restarts are available now']);
    } finally {
      await late.close();
      await lateDocker?.stop();
    }
  });
});
