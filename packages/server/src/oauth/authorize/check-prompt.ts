import type { AuthorizeRequest } from '../authorize-request.js';
import { type AuthorizeCheck, redirectableParam } from './check.js';
import { InvalidRequest } from '../../errors/oauth.js';

const PROMPTS: ReadonlySet<string> = new Set(['none', 'login', 'consent']);

/** §5: `prompt` (OpenID) and Mixer's `approval_prompt`; either can force the consent page. */
export const checkPrompt: AuthorizeCheck = ({ params, draft }) => {
  const prompt = redirectableParam(params, 'prompt');
  if (prompt !== undefined && !PROMPTS.has(prompt)) throw new InvalidRequest('prompt must be none, login or consent.');
  const approvalPrompt = redirectableParam(params, 'approval_prompt') ?? 'auto';
  if (approvalPrompt !== 'auto' && approvalPrompt !== 'force') {
    throw new InvalidRequest('approval_prompt must be auto or force.');
  }
  draft.prompt = prompt as AuthorizeRequest['prompt'];
  draft.forceConsent = approvalPrompt === 'force' || prompt === 'consent';
};
