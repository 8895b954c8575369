import { type AuthorizeCheck, redirectableParam } from './check.js';
import { UnsupportedResponseType } from '../../errors/oauth.js';

/** §5: only the authorization code flow; `code` when absent (Mixin's clients omit it). */
export const checkResponseType: AuthorizeCheck = ({ params }) => {
  const responseType = redirectableParam(params, 'response_type') ?? 'code';
  if (responseType !== 'code') throw new UnsupportedResponseType('Only response_type=code is supported.');
};
