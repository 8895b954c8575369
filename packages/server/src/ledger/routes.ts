import { FULL_SCOPE } from '@signet/protocol';
import {
  AssetSnapshotsQuery,
  AssetView,
  type Received,
  SnapshotQuery,
  SnapshotView,
  TransferRequest,
} from '@signet/protocol/views';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { JSON_TYPE, type RouteDocs, dataOf } from '../docs/route-docs.js';
import { BadRequest } from '../errors/platform.js';
import { acceptBodies } from '../plugins/raw-body.js';
import { guard } from '../plugins/authenticate.js';
import { type SnapshotParams, assetWithBalance, listBalances, listSnapshots, transfer } from './service.js';

const ASSETS_READ = 'ASSETS:READ';
/** History is readable with either scope (Mixin later split SNAPSHOTS:READ from ASSETS:READ). */
const HISTORY_READ = [ASSETS_READ, 'SNAPSHOTS:READ'] as const;

// Documentation only (docs/route-docs.ts): the routes validate by hand, amounts stay strings.
const docs = {
  assets: { responses: { 200: dataOf(Type.Array(AssetView)) }, errors: 'platform' },
  asset: { responses: { 200: dataOf(AssetView) }, errors: 'platform' },
  assetSnapshots: {
    query: AssetSnapshotsQuery,
    responses: { 200: dataOf(Type.Array(SnapshotView)) },
    errors: 'platform',
  },
  snapshots: { query: SnapshotQuery, responses: { 200: dataOf(Type.Array(SnapshotView)) }, errors: 'platform' },
  transfer: { body: { [JSON_TYPE]: TransferRequest }, responses: { 200: dataOf(SnapshotView) }, errors: 'platform' },
} satisfies Record<string, RouteDocs>;

function bodyObject(body: unknown): Received<TransferRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequest('The request body must be a JSON object.');
  return body as Received<TransferRequest>;
}

/** PROTOCOL.md §10: balances, histories and transfers. Every route goes through the one scope guard. */
export async function ledgerRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  app.get('/assets', { config: { openapi: docs.assets } }, async (request) => {
    const principal = await guard(context, request, ASSETS_READ);
    return { data: await listBalances(context, principal.userId) };
  });

  app.get<{ Params: { id: string } }>('/assets/:id', { config: { openapi: docs.asset } }, async (request) => {
    const principal = await guard(context, request, ASSETS_READ);
    return { data: await assetWithBalance(context, principal.userId, request.params.id) };
  });

  app.get<{ Params: { id: string }; Querystring: SnapshotParams }>(
    '/assets/:id/snapshots',
    { config: { openapi: docs.assetSnapshots } },
    async (request) => {
      const principal = await guard(context, request, HISTORY_READ);
      // an unknown asset is 404 here, as it is for /assets/:id
      const asset = await assetWithBalance(context, principal.userId, request.params.id);
      return { data: await listSnapshots(context, principal.userId, { ...request.query, asset: asset.asset_id }) };
    },
  );

  app.get<{ Querystring: SnapshotParams }>('/snapshots', { config: { openapi: docs.snapshots } }, async (request) => {
    const principal = await guard(context, request, HISTORY_READ);
    return { data: await listSnapshots(context, principal.userId, request.query) };
  });

  app.post(
    '/transfers',
    { onRequest: acceptBodies(JSON_TYPE), config: { openapi: docs.transfer } },
    async (request) => {
      const principal = await guard(context, request, FULL_SCOPE);
      const body = bodyObject(request.body);
      // Mixin's SDKs add an encrypted `pin`: Signet has no PINs (a session key signs the request), so it is ignored
      const snapshot = await transfer(context, {
        userId: principal.userId,
        assetId: body.asset_id,
        opponentId: body.opponent_id,
        amount: body.amount,
        traceId: body.trace_id,
        memo: body.memo,
      });
      return { data: snapshot };
    },
  );
}
