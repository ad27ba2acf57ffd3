import { afterAll, beforeAll, expect, it } from 'vitest';
import { addImmichJobs } from '../bull/immich-queues.ts';
import { startRedisServer, type RedisServer } from '../redis/redis-server.ts';
import { holdsImmichKeys } from './redis-guard.ts';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(() => server.dispose());

it('tells an empty Redis from one that holds Immich queues', async () => {
  expect(await holdsImmichKeys(server.url)).toBe(false);
  await addImmichJobs(server.url, 'ocr', [{ name: 'Ocr', data: { id: 'a' } }]);
  expect(await holdsImmichKeys(server.url)).toBe(true);
});
