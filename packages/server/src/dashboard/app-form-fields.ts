import { checkboxField, fileField, inputField, textareaField } from '../plugins/form-fields.js';
import { type SafeHtml, html } from '../plugins/html.js';
import type { AppFormValues } from './app-form.js';

/** The field at fault and what is wrong with it, in words for the person at the form. */
export interface FormError {
  field: string;
  message: string;
}

const labels: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  website: 'Website',
  redirect_uris: 'Callback URLs',
  hosts: 'Allowed hosts',
  type: 'Public client',
  logo: 'Logo',
};

export const APP_FORM_FIELDS = Object.keys(labels);

/** "Website must be an absolute https URL ..." from the service's field and reason. */
export function formError(field: string, reason: string): FormError {
  return { field, message: `${labels[field] ?? field} ${reason}.` };
}

/**
 * The fields shared by the create and edit forms (PROTOCOL.md §14 labels). The type is
 * chosen once: a public app has no secret and a confidential one has, so the edit form
 * only shows it.
 */
export function appFormFields(values: AppFormValues, error: FormError | undefined, mode: 'create' | 'edit'): SafeHtml {
  const errorFor = (field: string) => (error?.field === field ? error.message : undefined);
  return html`${inputField({ id: 'app-name', name: 'name', label: 'Name', value: values.name, error: errorFor('name'), required: true, hint: 'Shown to users when they authorize the app. Up to 64 characters.' })}
${textareaField({ id: 'app-description', name: 'description', label: 'Description', value: values.description, error: errorFor('description'), hint: 'Optional. Up to 512 characters.' })}
${inputField({ id: 'app-website', name: 'website', label: 'Website', type: 'url', value: values.website, error: errorFor('website'), hint: 'Optional. An https URL.', autocomplete: 'url' })}
${textareaField({
  id: 'app-redirect-uris',
  name: 'redirect_uris',
  label: 'Callback URLs',
  value: values.redirect_uris,
  error: errorFor('redirect_uris'),
  rows: 3,
  hint: 'One per line: https, http on 127.0.0.1 or localhost, or a private-use scheme such as com.example.app:/cb.',
  attributes: html`autocapitalize="none" spellcheck="false"`,
})}
${textareaField({
  id: 'app-hosts',
  name: 'hosts',
  label: 'Allowed hosts',
  value: values.hosts,
  error: errorFor('hosts'),
  rows: 2,
  hint: 'Optional, one per line: example.com, or *.example.com for its subdomains.',
  attributes: html`autocapitalize="none" spellcheck="false"`,
})}
${
  mode === 'create'
    ? checkboxField({
        id: 'app-public',
        name: 'public',
        label: 'Public client',
        checked: values.public,
        error: errorFor('type'),
        hint: 'For apps that cannot keep a secret (mobile, single-page): no client secret, PKCE required.',
      })
    : html`<p class="muted">${values.public ? 'Public client: no client secret, PKCE required.' : 'Confidential client: authenticates with its client secret.'} The type is fixed when the app is created.</p>`
}
${fileField({ id: 'app-logo', name: 'logo', label: 'Logo', accept: 'image/png,image/jpeg,image/webp', error: errorFor('logo'), hint: 'Optional. PNG, JPEG or WebP, at most 256 KiB.' })}`;
}
