import type { AppFields } from '../apps/service.js';
import { type LogoType, MAX_LOGO_BYTES, sniffLogoType } from '../apps/logos.js';
import { InvalidField } from '../errors/platform.js';

/** What the app form posts, kept as typed so a refused form can show it again. */
export interface AppFormValues {
  name: string;
  description: string;
  website: string;
  redirect_uris: string;
  hosts: string;
  public: boolean;
}

export const emptyAppForm: AppFormValues = {
  name: '',
  description: '',
  website: '',
  redirect_uris: '',
  hosts: '',
  public: false,
};

export interface PostedAppForm {
  values: AppFormValues;
  csrfValid: boolean;
  /** a checked logo, when one was uploaded */
  logo?: { type: LogoType; bytes: Buffer };
  /** the logo was refused: the form is shown again with this next to the file input */
  logoError?: InvalidField;
}

// Generous for the text fields; the file is capped by MAX_LOGO_BYTES. Past these the
// request is refused before the handler sees it.
export const multipartLimits = {
  fieldNameSize: 64,
  fieldSize: 16 * 1024,
  fields: 20,
  fileSize: MAX_LOGO_BYTES,
  files: 1,
  parts: 21,
  headerPairs: 20,
};

/** The form's text fields and its logo file, as read from the request. */
export interface RawForm {
  fields: Record<string, string>;
  file?: { bytes: Buffer; truncated: boolean };
}

export function stringFields(body: unknown): Record<string, string> {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  if (typeof body !== 'object' || body === null) return fields;
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') fields[name] = value;
  return fields;
}

function checkLogo(file: { bytes: Buffer; truncated: boolean }): { type: LogoType; bytes: Buffer } {
  if (file.truncated || file.bytes.length > MAX_LOGO_BYTES)
    throw new InvalidField('logo', `must be at most ${MAX_LOGO_BYTES / 1024} KiB`);
  const type = sniffLogoType(file.bytes);
  if (!type) throw new InvalidField('logo', 'must be a PNG, JPEG or WebP image (SVG is not accepted)');
  return { type, bytes: file.bytes };
}

/** The posted form from its fields and file, and whether its CSRF token checked out. */
export function postedAppForm(raw: RawForm, csrfValid: boolean): PostedAppForm {
  const values: AppFormValues = {
    name: raw.fields.name ?? '',
    description: raw.fields.description ?? '',
    website: (raw.fields.website ?? '').trim(),
    redirect_uris: raw.fields.redirect_uris ?? '',
    hosts: raw.fields.hosts ?? '',
    public: raw.fields.public === '1',
  };
  const posted: PostedAppForm = { values, csrfValid };
  if (raw.file) {
    try {
      posted.logo = checkLogo(raw.file);
    } catch (error) {
      if (!(error instanceof InvalidField)) throw error;
      posted.logoError = error;
    }
  }
  return posted;
}

const lines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** The service's fields from the form's text. */
export function toAppFields(values: AppFormValues): Required<Omit<AppFields, 'iconUrl'>> {
  return {
    name: values.name,
    description: values.description,
    website: values.website,
    redirectUris: lines(values.redirect_uris),
    hosts: lines(values.hosts),
  };
}

/** The form's text from a stored app, for the edit form. */
export function valuesOf(app: {
  name: string;
  description: string;
  website: string;
  type: string;
  redirect_uris: string[];
  hosts: string[];
}): AppFormValues {
  return {
    name: app.name,
    description: app.description,
    website: app.website,
    redirect_uris: app.redirect_uris.join('\n'),
    hosts: app.hosts.join('\n'),
    public: app.type === 'public',
  };
}
