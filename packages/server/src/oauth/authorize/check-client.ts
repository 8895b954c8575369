import { findApp } from '../../apps/repo.js';
import { type AuthorizeCheck, pageError, readParam } from './check.js';

const CLIENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** §5.1: `client_id` names a registered app. */
export const checkClient: AuthorizeCheck = async ({ context, params, draft }) => {
  const clientId = readParam(params, 'client_id', (message) => pageError(message, 'invalid_client'));
  if (clientId === undefined) throw pageError('The request names no app (client_id is missing).', 'invalid_client');
  const app = CLIENT_ID.test(clientId) ? await findApp(context.db, clientId.toLowerCase()) : undefined;
  if (!app) throw pageError('The app that sent you here is not registered (unknown client_id).', 'invalid_client');
  draft.app = app;
};
