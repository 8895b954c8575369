import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createKeystore } from '../accounts/keystores.js';
import { saveLogo } from '../apps/logos.js';
import type { AppRow } from '../apps/repo.js';
import { createApp, deleteApp, rotateSecret, toAppView, updateApp } from '../apps/service.js';
import type { RouteContext } from '../context.js';
import { InvalidField } from '../errors/platform.js';
import { csrfField, hasValidCsrfToken, verifyCsrf } from '../plugins/csrf.js';
import { requireSignIn, signedInUser } from '../plugins/require-sign-in.js';
import { applySecurityHeaders, errorPage, sendPage } from '../plugins/views.js';
import { serverKeyPair } from '../tokens/server-key.js';
import {
  type PostedAppForm,
  type RawForm,
  emptyAppForm,
  multipartLimits,
  postedAppForm,
  stringFields,
  toAppFields,
  valuesOf,
} from './app-form.js';
import { APP_FORM_FIELDS, type FormError, formError } from './app-form-fields.js';
import { appPage } from './app-page.js';
import { type ConfirmAction, confirmPage } from './confirm-page.js';
import { ownedApp } from './guard.js';
import { appListPage } from './list-page.js';
import { newAppPage } from './new-app-page.js';
import { countAppUsers, listOwnedApps } from './repo.js';
import { stashSecret, takeSecret } from './secret-once.js';
import { browserId } from '../plugins/web-session.js';

type AppParams = { Params: { client_id: string } };

/** The service's refusal as a message beside the field at fault; anything else is not a form error. */
function asFormError(error: unknown): FormError {
  if (!(error instanceof InvalidField) || !APP_FORM_FIELDS.includes(error.field)) throw error;
  return formError(error.field, String(error.extra?.reason ?? 'is invalid'));
}

const notFound = (reply: FastifyReply) =>
  sendPage(reply, errorPage('Not found', 'There is no such app among yours.'), 404);

const formExpired = (reply: FastifyReply) =>
  sendPage(
    reply,
    errorPage('Form expired', 'This form could not be verified. Go back, reload the page and try again.'),
    403,
  );

async function readRaw(request: FastifyRequest): Promise<RawForm> {
  // the edit and create forms also arrive url-encoded (no file) from scripts and tests
  if (!request.isMultipart()) return { fields: stringFields(request.body) };
  const raw: RawForm = { fields: Object.create(null) as Record<string, string> };
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const bytes = await part.toBuffer();
      // an empty file input still sends a part, with no name and no bytes
      if (part.fieldname === 'logo' && (bytes.length > 0 || part.filename !== ''))
        raw.file = { bytes, truncated: part.file.truncated };
    } else if (typeof part.value === 'string') {
      if (part.valueTruncated) throw new InvalidField(part.fieldname, 'is too long');
      raw.fields[part.fieldname] = part.value;
    }
  }
  return raw;
}

/** Reads the app form (multipart with an optional logo, or url-encoded) and checks its CSRF token. */
async function readAppForm(request: FastifyRequest): Promise<PostedAppForm> {
  const raw = await readRaw(request);
  // the CSRF check reads the parsed body, which multipart leaves empty
  request.body = raw.fields;
  return postedAppForm(raw, hasValidCsrfToken(request));
}

/** Reads the app form; a form past the size limits is refused as a whole (413). */
async function postedForm(request: FastifyRequest, reply: FastifyReply): Promise<PostedAppForm | FastifyReply> {
  try {
    return await readAppForm(request);
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (!(error instanceof InvalidField) && status !== 413) throw error;
    return sendPage(
      reply,
      errorPage('Form too large', 'A field or the file is larger than this form accepts. Go back and shorten it.'),
      413,
    );
  }
}

/** The developer dashboard (PROTOCOL.md §14): every route needs a signed-in user, and apps are the owner's only. */
export async function dashboardRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  // only this scope parses multipart bodies, and never more than one small logo
  await app.register(multipart, { limits: multipartLimits, throwFileSizeLimit: false });
  app.addHook('preHandler', requireSignIn);

  async function renderApp(
    request: FastifyRequest,
    reply: FastifyReply,
    row: AppRow,
    extra: { error?: FormError; values?: PostedAppForm['values']; saved?: boolean },
    status = 200,
  ) {
    const view = toAppView(row);
    const secret =
      status === 200 && !extra.error ? await takeSecret(context.kv, browserId(request), row.client_id) : null;
    return sendPage(
      reply,
      appPage({
        user: signedInUser(request),
        csrf: csrfField(request),
        app: view,
        users: await countAppUsers(context.db, row.client_id),
        secret,
        values: extra.values ?? valuesOf(view),
        error: extra.error,
        saved: extra.saved ?? false,
      }),
      status,
    );
  }

  app.get('/dashboard', async (request, reply) => {
    const user = signedInUser(request);
    return sendPage(reply, appListPage(user, csrfField(request), await listOwnedApps(context.db, user.user_id)));
  });

  app.get('/dashboard/apps/new', async (request, reply) =>
    sendPage(reply, newAppPage(signedInUser(request), csrfField(request), emptyAppForm)),
  );

  app.post('/dashboard/apps/new', async (request, reply) => {
    const posted = await postedForm(request, reply);
    if (!('values' in posted)) return posted;
    if (!posted.csrfValid) return formExpired(reply);
    const refuse = (error: FormError, status: number) =>
      sendPage(reply, newAppPage(signedInUser(request), csrfField(request), posted.values, error), status);
    if (posted.logoError) return refuse(asFormError(posted.logoError), 400);
    let created: Awaited<ReturnType<typeof createApp>>;
    try {
      created = await createApp(
        context,
        {
          ...toAppFields(posted.values),
          ownerId: signedInUser(request).user_id,
          type: posted.values.public ? 'public' : 'confidential',
        },
        { ip: request.ip, via: 'dashboard' },
      );
    } catch (error) {
      return refuse(asFormError(error), 400);
    }
    const clientId = created.app.client_id;
    if (posted.logo)
      await saveLogo(
        context.db,
        clientId,
        posted.logo.type,
        posted.logo.bytes,
        new Date(context.clock.now()).toISOString(),
      );
    if (created.clientSecret) await stashSecret(context.kv, browserId(request), clientId, created.clientSecret);
    return reply.redirect(`/dashboard/apps/${clientId}`, 303);
  });

  // No automatic HEAD twin: it would take the one-time secret and show it to nobody.
  app.get<AppParams & { Querystring: { saved?: string } }>(
    '/dashboard/apps/:client_id',
    { exposeHeadRoute: false },
    async (request, reply) => {
      const row = await ownedApp(context.db, signedInUser(request).user_id, request.params.client_id);
      if (!row) return notFound(reply);
      return renderApp(request, reply, row, { saved: request.query.saved === '1' });
    },
  );

  app.post<AppParams>('/dashboard/apps/:client_id', async (request, reply) => {
    const posted = await postedForm(request, reply);
    if (!('values' in posted)) return posted;
    if (!posted.csrfValid) return formExpired(reply);
    const row = await ownedApp(context.db, signedInUser(request).user_id, request.params.client_id);
    if (!row) return notFound(reply);
    // the type is fixed at creation: the edit form shows the stored one
    const values = { ...posted.values, public: row.type === 'public' };
    if (posted.logoError) return renderApp(request, reply, row, { error: asFormError(posted.logoError), values }, 400);
    try {
      await updateApp(context, row.client_id, toAppFields(values));
    } catch (error) {
      return renderApp(request, reply, row, { error: asFormError(error), values }, 400);
    }
    if (posted.logo)
      await saveLogo(
        context.db,
        row.client_id,
        posted.logo.type,
        posted.logo.bytes,
        new Date(context.clock.now()).toISOString(),
      );
    return reply.redirect(`/dashboard/apps/${row.client_id}?saved=1`, 303);
  });

  for (const action of ['rotate', 'delete'] as const satisfies ConfirmAction[]) {
    app.get<AppParams>(`/dashboard/apps/:client_id/${action}`, async (request, reply) => {
      const row = await ownedApp(context.db, signedInUser(request).user_id, request.params.client_id);
      if (!row || (action === 'rotate' && row.type === 'public')) return notFound(reply);
      return sendPage(reply, confirmPage(signedInUser(request), csrfField(request), row, action));
    });
  }

  app.post<AppParams>('/dashboard/apps/:client_id/rotate', { preHandler: verifyCsrf }, async (request, reply) => {
    const row = await ownedApp(context.db, signedInUser(request).user_id, request.params.client_id);
    if (!row || row.type === 'public') return notFound(reply);
    const { clientSecret } = await rotateSecret(context, row.client_id, { ip: request.ip, via: 'dashboard' });
    await stashSecret(context.kv, browserId(request), row.client_id, clientSecret);
    return reply.redirect(`/dashboard/apps/${row.client_id}`, 303);
  });

  app.post<AppParams>('/dashboard/apps/:client_id/delete', { preHandler: verifyCsrf }, async (request, reply) => {
    const row = await ownedApp(context.db, signedInUser(request).user_id, request.params.client_id);
    if (!row) return notFound(reply);
    await deleteApp(context, row.client_id, { ip: request.ip, via: 'dashboard' });
    return reply.redirect('/dashboard', 303);
  });

  // A download, not a page: answered directly (200) because the private key exists only in this response.
  app.post<AppParams>('/dashboard/apps/:client_id/keystore', { preHandler: verifyCsrf }, async (request, reply) => {
    const row = await ownedApp(context.db, signedInUser(request).user_id, request.params.client_id);
    if (!row) return notFound(reply);
    const origin = { ip: request.ip, via: 'dashboard', actorId: signedInUser(request).user_id } as const;
    const keystore = await createKeystore(
      context,
      row.client_id,
      (await serverKeyPair(context.storage)).publicKey,
      origin,
    );
    return applySecurityHeaders(reply)
      .header('Content-Disposition', `attachment; filename="keystore-${row.client_id}.json"`)
      .type('application/json; charset=utf-8')
      .send(`${JSON.stringify(keystore, null, 2)}\n`);
  });
}
