import { findApp } from '../../apps/repo.js';
import { type AuthorizeCheck, readParam } from './check.js';
import { InvalidClient } from '../../errors/oauth.js';

const CLIENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** §5.1: `client_id` names a registered app. */
export const checkClient: AuthorizeCheck = async ({ context, params, draft }) => {
  const clientId = readParam(params, 'client_id', (message) => new InvalidClient(message));
  if (clientId === undefined) throw new InvalidClient('The request names no app (client_id is missing).');
  const app = CLIENT_ID.test(clientId) ? await findApp(context.db, clientId.toLowerCase()) : undefined;
  if (!app) throw new InvalidClient('The app that sent you here is not registered (unknown client_id).');
  draft.app = app;
};
