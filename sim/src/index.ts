// Public entry of @immich-admin-tools/sim, for the bridge's tests and the e2e harness.
export {
  IMMICH_PREFIX,
  IMMICH_JOB_OPTIONS,
  openImmichQueue,
  addImmichJobs,
  addJobs,
  type ImmichJobSpec,
} from './bull/immich-queues.ts';
export { immichJobFor, immichJobsFor, personThumbnailJob, sendMailJob } from './bull/immich-jobs.ts';
export {
  startWorker,
  spawnWorkerProcess,
  type Behavior,
  type WorkerOptions,
  type SimWorker,
  type WorkerProcess,
} from './bull/workers.ts';
export { startRedisServer, freePort, type RedisServer } from './redis/redis-server.ts';
export { startFakeDocker, type FakeDocker, type FakeDockerOptions } from './fake-docker/fake-docker.ts';
export {
  startFakeImmich,
  createFakeImmichApp,
  type FakeImmich,
  type FakeImmichApp,
  type FakeImmichOptions,
} from './fake-immich/app.ts';
export {
  ASSETS,
  ADMIN_USER,
  OTHER_USER,
  assetAt,
  assetById,
  faceId,
  personId,
  type SimAsset,
} from './fake-immich/assets.ts';
export { startDemoMix } from './scenarios/demo-mix.ts';
export { IMMICH_PROFILES, DEFAULT_RELEASE, immichProfile, pageTitle, type ImmichProfile } from './versions.ts';
export * as scenarios from './scenarios/index.ts';
