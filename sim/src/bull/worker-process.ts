import { ActiveTracker } from './active-tracker.ts';
import { runWorker, type WorkerOptions, type WorkerProcessMessage } from './workers.ts';

// Child-process entry of spawnWorkerProcess(): hosts one worker and reports the job ids it holds.
const send = (message: WorkerProcessMessage) => process.send?.(message);

try {
  const opts = JSON.parse(process.argv[2] ?? '{}') as WorkerOptions;
  const worker = await runWorker(opts, new ActiveTracker((ids) => send({ type: 'active', ids })));
  // Parent gone (test run ended without kill()): do not linger as an orphan holding jobs.
  process.once('disconnect', () => void worker.close().finally(() => process.exit(0)));
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
