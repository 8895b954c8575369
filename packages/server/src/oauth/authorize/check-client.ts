import { isUuid } from '@signet/protocol';
import { findApp } from '../../apps/repo.js';
import { type AuthorizeCheck, pageError, readParam } from './check.js';

/** §5.1: `client_id` names a registered app. */
export const checkClient: AuthorizeCheck = async ({ context, params, draft }) => {
  const clientId = readParam(params, 'client_id', (message) => pageError(message, 'invalid_client'));
  if (clientId === undefined) throw pageError('The request names no app (client_id is missing).', 'invalid_client');
  const app = isUuid(clientId) ? await findApp(context.db, clientId.toLowerCase()) : undefined;
  if (!app) throw pageError('The app that sent you here is not registered (unknown client_id).', 'invalid_client');
  draft.app = app;
};
