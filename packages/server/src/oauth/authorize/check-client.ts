import { isUuid } from '@signet/protocol';
import { findApp } from '../../apps/repo.js';
import { type AuthorizeCheck, readParam } from './check.js';
import { InvalidClient } from '../../errors/oauth.js';

/** §5.1: `client_id` names a registered app. */
export const checkClient: AuthorizeCheck = async ({ context, params, draft }) => {
  const clientId = readParam(params, 'client_id', (message) => new InvalidClient(message));
  if (clientId === undefined) throw new InvalidClient('The request names no app (client_id is missing).');
  const app = isUuid(clientId) ? await findApp(context.db, clientId.toLowerCase()) : undefined;
  if (!app) throw new InvalidClient('The app that sent you here is not registered (unknown client_id).');
  draft.app = app;
};
