import { FULL_SCOPE } from '@signet/protocol';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { SignetError } from '../errors/errors.js';
import { guard } from '../resources/guard.js';
import { type SnapshotParams, assetWithBalance, listBalances, listSnapshots, transfer } from './service.js';

const ASSETS_READ = 'ASSETS:READ';
/** History is readable with either scope (Mixin later split SNAPSHOTS:READ from ASSETS:READ). */
const HISTORY_READ = [ASSETS_READ, 'SNAPSHOTS:READ'] as const;

function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SignetError(400, 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** PROTOCOL.md §10: balances, histories and transfers. Every route goes through the one scope guard. */
export async function ledgerRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  app.get('/assets', async (request) => {
    const principal = await guard(context, request, ASSETS_READ);
    return { data: await listBalances(context, principal.userId) };
  });

  app.get<{ Params: { id: string } }>('/assets/:id', async (request) => {
    const principal = await guard(context, request, ASSETS_READ);
    return { data: await assetWithBalance(context, principal.userId, request.params.id) };
  });

  app.get<{ Params: { id: string }; Querystring: SnapshotParams }>('/assets/:id/snapshots', async (request) => {
    const principal = await guard(context, request, HISTORY_READ);
    // an unknown asset is 404 here, as it is for /assets/:id
    const asset = await assetWithBalance(context, principal.userId, request.params.id);
    return { data: await listSnapshots(context, principal.userId, { ...request.query, asset: asset.asset_id }) };
  });

  app.get<{ Querystring: SnapshotParams }>('/snapshots', async (request) => {
    const principal = await guard(context, request, HISTORY_READ);
    return { data: await listSnapshots(context, principal.userId, request.query) };
  });

  app.post('/transfers', async (request) => {
    const principal = await guard(context, request, FULL_SCOPE);
    const body = bodyObject(request.body);
    // Mixin's SDKs add an encrypted `pin`: Signet has no PINs (a session key signs the request), so it is ignored
    const snapshot = await transfer(context, {
      userId: principal.userId,
      assetId: body['asset_id'],
      opponentId: body['opponent_id'],
      amount: body['amount'],
      traceId: body['trace_id'],
      memo: body['memo'],
    });
    return { data: snapshot };
  });
}
