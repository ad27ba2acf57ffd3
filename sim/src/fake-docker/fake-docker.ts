import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { spawnWorkerProcess, type WorkerOptions, type WorkerProcess } from '../bull/workers.ts';

/**
 * A small Docker Engine API on a unix socket, for the bridge's restart tests (no Docker engine runs in CI).
 * It knows one container, Immich's, played by a sim worker in a child process: `POST /containers/{name}/restart`
 * kills that process (SIGKILL, like `docker restart` after its grace period: the hung processor and the slot it
 * holds die with it) and starts a fresh one, answering once the new worker takes jobs, as Docker answers once
 * the container started again.
 */
export interface FakeDocker {
  socketPath: string;
  /** The worker process playing immich_server right now. */
  readonly worker: WorkerProcess;
  readonly restarts: number;
  /** Requests seen, e.g. `POST /containers/immich_server/restart`. */
  readonly requests: string[];
  stop(): Promise<void>;
}

export interface FakeDockerOptions {
  socketPath: string;
  /** Container name or id the API answers for (default immich_server). */
  container?: string;
  worker: WorkerOptions;
}

const VERSION_PREFIX = /^\/v\d+(\.\d+)?(?=\/)/;

export async function startFakeDocker(options: FakeDockerOptions): Promise<FakeDocker> {
  const container = options.container ?? 'immich_server';
  let worker = await spawnWorkerProcess(options.worker);
  let restarts = 0;
  const requests: string[] = [];

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(VERSION_PREFIX, '');
    requests.push(`${req.method} ${path}`);
    const match = /^\/containers\/([^/]+)\/(json|restart)$/.exec(path);
    if (!match) return json(res, 404, { message: `page not found: ${path}` });
    if (decodeURIComponent(match[1]!) !== container) {
      return json(res, 404, { message: `No such container: ${decodeURIComponent(match[1]!)}` });
    }
    if (match[2] === 'json' && req.method === 'GET') {
      return json(res, 200, {
        Id: 'f00dfeed',
        Name: `/${container}`,
        State: { Status: 'running', Running: true, Pid: worker.pid, StartedAt: new Date().toISOString() },
        RestartCount: restarts,
      });
    }
    if (match[2] === 'restart' && req.method === 'POST') {
      await worker.kill();
      worker = await spawnWorkerProcess(options.worker);
      restarts++;
      res.writeHead(204);
      return res.end();
    }
    return json(res, 405, { message: 'method not allowed' });
  };

  rmSync(options.socketPath, { force: true });
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });

  return {
    socketPath: options.socketPath,
    get worker() {
      return worker;
    },
    get restarts() {
      return restarts;
    },
    requests,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker.kill();
      rmSync(options.socketPath, { force: true });
    },
  };
}
