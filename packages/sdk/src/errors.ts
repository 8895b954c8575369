/**
 * An error answered in the platform dialect (`{"error":{"code",...}}`), whether it came
 * with HTTP 202 (Mixin's convention, when a request id was sent) or a real status.
 *
 * @example
 * try { await client.me(); } catch (e) { if (e instanceof SignetApiError && e.code === 401) relogin(); }
 */
export class SignetApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly httpStatus: number,
    readonly extra: Record<string, unknown> | undefined,
    readonly requestId: string | undefined,
  ) {
    super(`${code}: ${description}`);
    this.name = 'SignetApiError';
  }
}

/**
 * An RFC 6749 §5.2 error from a standard OAuth endpoint (`{"error","error_description"}`).
 *
 * @example
 * try { await refresh(options); } catch (e) { if (e instanceof OAuthError && e.error === 'invalid_grant') signInAgain(); }
 */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly errorDescription: string | undefined,
    readonly httpStatus: number,
  ) {
    super(errorDescription ? `${error}: ${errorDescription}` : error);
    this.name = 'OAuthError';
  }
}

/** Reads a platform-dialect response: the `data`, or a thrown SignetApiError. */
export async function readEnvelope<T>(response: Response, requestId?: string): Promise<T> {
  const text = await response.text();
  let body: {
    data?: T;
    error?: { code: number; description: string; extra?: Record<string, unknown>; request_id?: string };
  };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new SignetApiError(
      response.status,
      `unexpected response: ${text.slice(0, 200)}`,
      response.status,
      undefined,
      requestId,
    );
  }
  if (body.error) {
    const { code, description, extra, request_id } = body.error;
    throw new SignetApiError(code, description, response.status, extra, request_id ?? requestId);
  }
  if (!response.ok)
    throw new SignetApiError(response.status, text.slice(0, 200), response.status, undefined, requestId);
  return body.data as T;
}

/** Reads a standard OAuth response: the JSON body, or a thrown OAuthError. */
export async function readOAuth<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.error === 'string') {
    throw new OAuthError(
      String(body.error ?? 'server_error'),
      typeof body.error_description === 'string' ? body.error_description : undefined,
      response.status,
    );
  }
  return body as T;
}
