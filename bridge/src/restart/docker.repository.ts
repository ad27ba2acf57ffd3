import type Docker from 'dockerode';

/** Seconds Docker gives Immich to stop before it kills it (Docker's own default). */
const STOP_SECONDS = 10;
const INSPECT_TIMEOUT_MS = 3000;
/** Stop plus start of immich_server; a socket proxy adds little. */
const RESTART_TIMEOUT_MS = 90_000;

export class DockerError extends Error {
  constructor(
    message: string,
    /** HTTP status from the Engine (or the socket proxy); null when it did not answer. */
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** `DOCKER_HOST` as dockerode wants it: a unix socket, or tcp/http(s) to a socket proxy. */
function connection(host: string): Docker.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return {
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 2375)),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
  };
}

function dockerFailure(error: unknown): DockerError {
  const e = error as { statusCode?: number; code?: string; message?: string; json?: { message?: string } };
  const status = typeof e.statusCode === 'number' ? e.statusCode : null;
  return new DockerError(e.json?.message ?? e.code ?? e.message ?? String(error), status);
}

/** The only module that talks to the Docker Engine API: inspect and restart of Immich's container. */
export class DockerRepository {
  private clients: Promise<{ docker: Docker; slowDocker: Docker }> | null = null;

  constructor(
    readonly host: string,
    readonly container: string,
  ) {}

  /** dockerode is loaded on the first call: a bridge without Docker control never pays its memory. */
  private connect(): Promise<{ docker: Docker; slowDocker: Docker }> {
    this.clients ??= import('dockerode').then(({ default: Dockerode }) => ({
      docker: new Dockerode({ ...connection(this.host), timeout: INSPECT_TIMEOUT_MS }),
      slowDocker: new Dockerode({ ...connection(this.host), timeout: RESTART_TIMEOUT_MS }),
    }));
    return this.clients;
  }

  /** GET /containers/{name}/json: whether the container exists and runs. */
  async inspect(): Promise<{ running: boolean; name: string }> {
    try {
      const { docker } = await this.connect();
      const info = await docker.getContainer(this.container).inspect();
      return { running: info.State?.Running === true, name: info.Name.replace(/^\//, '') };
    } catch (error) {
      throw dockerFailure(error);
    }
  }

  /** POST /containers/{name}/restart; resolves once Docker says the container started again. */
  async restart(): Promise<void> {
    try {
      const { slowDocker } = await this.connect();
      await slowDocker.getContainer(this.container).restart({ t: STOP_SECONDS });
    } catch (error) {
      throw dockerFailure(error);
    }
  }
}
