import { type AuthorizeCheck, redirectError, redirectableParam } from './check.js';

/** §5: only the authorization code flow; `code` when absent (Mixin's clients omit it). */
export const checkResponseType: AuthorizeCheck = ({ params }) => {
  const responseType = redirectableParam(params, 'response_type') ?? 'code';
  if (responseType !== 'code') throw redirectError('unsupported_response_type', 'Only response_type=code is supported.');
};
