import type { FastifyInstance } from 'fastify';
import { databaseAnswers } from '../storage/ping.js';
import type { Db } from '../storage/tables.js';

/** /healthz: the process answers. /readyz: the database answers too. */
export async function healthRoutes(app: FastifyInstance, options: { db: Db }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (await databaseAnswers(options.db)) return { status: 'ready' };
    return reply.status(503).send({ status: 'unavailable', reason: 'database unreachable' });
  });
}
