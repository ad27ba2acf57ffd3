import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { QueuesResponse, QueueSummary, StatusResponse } from '@immich-admin-tools/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS } from '../../sim/src/fake-immich/assets.ts';
import { useStack, workOn } from './harness.ts';
import { startPrometheus, type PrometheusServer } from './prometheus-server.ts';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const JOB = 'immich-admin-tools';
const rulesFile = fileURLToPath(new URL('../../docker/prometheus/alerts.yml', import.meta.url));
const dashboard = JSON.parse(
  readFileSync(new URL('../../docker/grafana/immich-admin-tools.json', import.meta.url), 'utf8'),
) as {
  panels: { title: string; targets?: { expr: string }[] }[];
  templating: { list: { name: string; type: string }[] };
};

/** Labels every series of a metric must carry, besides Prometheus's own job and instance. */
const LABELS: Record<string, string[]> = {
  immich_admin_queue_jobs: ['queue', 'state'],
  immich_admin_stuck_jobs: ['queue', 'state'],
  immich_admin_oldest_active_seconds: ['queue'],
  immich_admin_queue_paused: ['queue'],
  immich_admin_queue_workers: ['queue'],
  immich_admin_queue_condition: ['condition', 'queue'],
  immich_admin_jobs_completed_total: ['queue'],
  immich_admin_jobs_failed_total: ['queue'],
  immich_admin_job_duration_seconds_bucket: ['le', 'queue'],
  immich_admin_job_duration_seconds_count: ['queue'],
  immich_admin_job_duration_seconds_sum: ['queue'],
  immich_admin_actions_total: ['action', 'actor', 'mode'],
  immich_admin_events_lost_total: ['queue'],
  immich_admin_snapshot_duration_seconds_bucket: ['le'],
  immich_admin_snapshot_duration_seconds_count: [],
  immich_admin_redis_up: [],
  immich_admin_build_info: ['bullmq_version', 'immich_version', 'version'],
  process_cpu_seconds_total: [],
  process_resident_memory_bytes: [],
  nodejs_heap_size_used_bytes: [],
};

const s = useStack({ STUCK_THRESHOLDS: 'faceDetection=1', METRICS_TOKEN });
let prometheus: PrometheusServer;

const api = async <T>(path: string) => (await s.h.api<T>(path)).body;
const num = (samples: { value: [number, string] }[]) => (samples[0] ? Number(samples[0].value[1]) : undefined);

beforeAll(async () => {
  // A hung job (stuck), five that complete (throughput, durations), three that fail, one paused queue.
  await workOn(
    s,
    { queue: 'faceDetection', behavior: 'hang' },
    [{ name: 'AssetDetectFaces', data: { id: ASSETS[0]!.id } }],
    1,
  );
  await workOn(
    s,
    { queue: 'smartSearch', behavior: 'complete', durationMs: 30 },
    ASSETS.slice(0, 5).map((a) => ({ name: 'SmartSearch', data: { id: a.id } })),
  );
  await workOn(
    s,
    { queue: 'ocr', behavior: 'fail', durationMs: 10 },
    ASSETS.slice(0, 3).map((a) => ({ name: 'Ocr', data: { id: a.id } })),
  );
  await s.h.until(
    async () => {
      const queues = (await api<QueuesResponse>('/api/queues')).queues;
      const q = (name: string) => queues.find((x) => x.name === name);
      const settled =
        q('faceDetection')?.stuckJobs.length === 1 &&
        q('smartSearch')?.counts.active === 0 &&
        q('smartSearch')?.counts.waiting === 0 &&
        q('ocr')?.counts.failed === 3;
      return settled || undefined;
    },
    30_000,
    'the queues to settle',
  );
  expect((await s.h.api('/api/queues/smartSearch/pause', { method: 'POST', json: {} })).status).toBe(200);

  prometheus = await startPrometheus({
    target: new URL(s.h.bridge.url).host,
    token: METRICS_TOKEN,
    jobName: JOB,
    ruleFiles: [rulesFile],
  });
  // Enough scrapes for rate() over the dashboard's interval.
  await s.h.until(
    async () =>
      (num(await prometheus.query(`count_over_time(immich_admin_redis_up{job="${JOB}"}[1m])`)) ?? 0) >= 4
        ? true
        : undefined,
    30_000,
    'four scrapes',
  );
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
});

describe('a real Prometheus scraping the bridge', () => {
  it('scrapes with METRICS_TOKEN and loads the alert rules', async () => {
    expect(num(await prometheus.query(`up{job="${JOB}"}`))).toBe(1);
    const res = await fetch(`${prometheus.url}/api/v1/rules`);
    const rules = (await res.json()) as { data: { groups: { rules: { name: string; health: string }[] }[] } };
    const loaded = rules.data.groups.flatMap((g) => g.rules);
    expect(loaded.map((r) => r.name).sort()).toEqual(
      [
        'ImmichAdminBridgeDown',
        'ImmichJobsStuck',
        'ImmichQueueNoWorkers',
        'ImmichQueueStalled',
        'ImmichRedisDown',
      ].sort(),
    );
    expect(loaded.every((r) => r.health === 'ok')).toBe(true);
  });

  it('has every metric, with the right labels', async () => {
    const problems: string[] = [];
    for (const [name, labels] of Object.entries(LABELS)) {
      const samples = await prometheus.query(`${name}{job="${JOB}"}`);
      if (samples.length === 0) problems.push(`${name}: no series`);
      for (const sample of samples) {
        const keys = Object.keys(sample.metric)
          .filter((k) => !['__name__', 'job', 'instance'].includes(k))
          .sort();
        if (keys.join() !== labels.join()) problems.push(`${name}: labels ${keys.join()} instead of ${labels.join()}`);
      }
    }
    expect(problems).toEqual([]);
    const states = await prometheus.query(`immich_admin_queue_jobs{job="${JOB}",queue="ocr"}`);
    expect(states.map((x) => x.metric['state']).sort()).toEqual([
      'active',
      'delayed',
      'failed',
      'paused',
      'prioritized',
      'waiting',
    ]);
    const conditions = await prometheus.query(`immich_admin_queue_condition{job="${JOB}",queue="ocr"}`);
    expect(conditions.map((x) => x.metric['condition']).sort()).toEqual([
      'no_workers',
      'slots_full_of_stuck',
      'stalled',
    ]);
  });

  it("matches the bridge's own /api/queues and /api/status", async () => {
    const status = await api<StatusResponse>('/api/status');
    const mismatches = async () => {
      const queues: QueueSummary[] = (await api<QueuesResponse>('/api/queues')).queues;
      const wrong: string[] = [];
      const check = async (expr: string, want: number, tolerance = 0) => {
        const got = num(await prometheus.query(expr));
        if (got === undefined || Math.abs(got - want) > tolerance)
          wrong.push(`${expr} = ${got}, /api/queues says ${want}`);
      };
      for (const q of queues) {
        const sel = `job="${JOB}",queue="${q.name}"`;
        for (const [state, count] of Object.entries(q.counts))
          await check(`immich_admin_queue_jobs{${sel},state="${state}"}`, count);
        for (const state of ['hung', 'orphaned', 'dangling']) {
          await check(
            `immich_admin_stuck_jobs{${sel},state="${state}"}`,
            q.stuckJobs.filter((j) => j.state === state).length,
          );
        }
        await check(`immich_admin_queue_workers{${sel}}`, q.workers);
        await check(`immich_admin_queue_paused{${sel}}`, q.isPaused ? 1 : 0);
        for (const condition of ['stalled', 'no_workers', 'slots_full_of_stuck'] as const) {
          await check(
            `immich_admin_queue_condition{${sel},condition="${condition}"}`,
            q.conditions.includes(condition) ? 1 : 0,
          );
        }
        // The age grows between the bridge's answer and the scrape.
        await check(`immich_admin_oldest_active_seconds{${sel}}`, q.oldestActiveSeconds ?? 0, 3);
      }
      return wrong.length ? wrong : undefined;
    };
    // Prometheus samples once a second; wait for a scrape that saw the state /api/queues shows.
    let last: string[] = [];
    await s.h
      .until(async () => {
        const wrong = await mismatches();
        last = wrong ?? [];
        return wrong ? undefined : true;
      }, 20_000)
      .catch(() => expect(last).toEqual([]));

    const q = (await api<QueuesResponse>('/api/queues')).queues;
    expect(q.find((x) => x.name === 'smartSearch')?.isPaused).toBe(true);
    expect(num(await prometheus.query(`immich_admin_jobs_completed_total{job="${JOB}",queue="smartSearch"}`))).toBe(5);
    expect(
      num(await prometheus.query(`immich_admin_job_duration_seconds_count{job="${JOB}",queue="smartSearch"}`)),
    ).toBe(5);
    expect(num(await prometheus.query(`immich_admin_jobs_failed_total{job="${JOB}",queue="ocr"}`))).toBe(3);
    expect(
      num(await prometheus.query(`immich_admin_actions_total{job="${JOB}",action="queue_paused",actor="user"}`)),
    ).toBe(1);
    expect(num(await prometheus.query(`immich_admin_redis_up{job="${JOB}"}`))).toBe(1);
    const [info] = await prometheus.query(`immich_admin_build_info{job="${JOB}"}`);
    expect(info?.metric).toMatchObject({ bullmq_version: status.bullmqVersion, immich_version: status.immichVersion });
  });

  it('answers every panel query of the Grafana dashboard with data', async () => {
    expect(dashboard.templating.list.find((v) => v.type === 'datasource')?.name).toBe('datasource');
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThanOrEqual(15);
    const empty: string[] = [];
    for (const { panel, expr } of exprs) {
      // What Grafana substitutes: "All" queues, and a rate interval of a few scrapes.
      const query = expr.replaceAll('$queue', '.*').replaceAll('$__rate_interval', '30s');
      if ((await prometheus.query(query)).length === 0) empty.push(`${panel}: ${query}`);
    }
    expect(empty).toEqual([]);
  });
});
