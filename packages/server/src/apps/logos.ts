import type { AppLogosTable, Db } from '../storage/tables.js';
import { saveLogoRows } from './repo.js';

export { findLogo } from './repo.js';

/**
 * Uploaded app logos. The type is read from the bytes' signature, never from the
 * upload's file name or Content-Type, and SVG is never accepted: an SVG is a document
 * that can carry script, and a logo is served from this origin.
 */
export type LogoType = AppLogosTable['content_type'];

export const MAX_LOGO_BYTES = 256 * 1024;

const startsWith = (bytes: Buffer, signature: number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);

/** The image type these bytes really are, or null when they are none we accept. */
export function sniffLogoType(bytes: Buffer): LogoType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // RIFF....WEBP
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return 'image/webp';
  return null;
}

/**
 * What an app's `icon_url` holds once it has an uploaded logo: a path on this server.
 * Nothing stored depends on the issuer; JSON answers make it absolute (publicIconUrl).
 */
export function logoPath(clientId: string): string {
  return `/apps/${clientId}/logo`;
}

/** icon_url as it leaves the server in JSON: a stored local path becomes an absolute URL under the issuer. */
export function publicIconUrl(iconUrl: string, issuer: string): string {
  return iconUrl.startsWith('/') ? `${issuer.replace(/\/+$/, '')}${iconUrl}` : iconUrl;
}

/** Stores (or replaces) the logo and points the app's icon_url at it, in one transaction. */
export async function saveLogo(db: Db, clientId: string, type: LogoType, bytes: Buffer, now: string): Promise<void> {
  await saveLogoRows(db, clientId, { content_type: type, bytes, updated_at: now }, logoPath(clientId));
}
