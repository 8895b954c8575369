/**
 * A `next` target after signing in: only a path on this server. `//host`, `/\host`
 * and anything with control characters would make the browser leave the site (it
 * strips tabs and newlines and reads `\` as `/`), so all of them are refused.
 */
export function localPath(value: unknown, fallback = '/account'): string {
  if (typeof value !== 'string' || value.length > 4096) return fallback;
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value) || value.includes('\\')) return fallback;
  return value;
}

/** The sign-in page that returns to `next` (a local path) once the user has signed in. */
export function signInUrl(next: string): string {
  return `/signin?${new URLSearchParams({ next }).toString()}`;
}
