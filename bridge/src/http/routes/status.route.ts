import { Hono } from 'hono';
import type { AppEnv } from '../auth.ts';
import { sendCached } from '../cached-json.ts';
import type { PolledAnswers } from '../polled-answers.ts';

export const statusRoutes = (answers: PolledAnswers) =>
  new Hono<AppEnv>().get('/', (c) => sendCached(c, answers.status(c.get('access'))));
