import { type SafeHtml, html } from './html.js';

/**
 * Labelled form controls with their error beside them. A control at fault gets
 * aria-invalid, points at its message with aria-describedby and takes the focus, so a
 * screen reader announces what went wrong where it went wrong.
 */
export interface FieldOptions {
  id: string;
  name: string;
  label: string;
  value?: string;
  /** the message for this field, when the form was refused because of it */
  error?: string | undefined;
  /** a line under the label: format, whether optional */
  hint?: string;
  type?: 'text' | 'password' | 'url' | 'tel';
  required?: boolean;
  autocomplete?: string;
  /** extra attributes known to be safe (autocapitalize, spellcheck) */
  attributes?: SafeHtml;
  autofocus?: boolean;
}

function describedBy(options: Pick<FieldOptions, 'id' | 'error' | 'hint'>): SafeHtml | null {
  const ids = [options.hint ? `${options.id}-hint` : '', options.error ? `${options.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return ids ? html` aria-describedby="${ids}"` : null;
}

function notes(options: Pick<FieldOptions, 'id' | 'error' | 'hint'>): SafeHtml {
  return html`${options.hint ? html`<p class="hint" id="${options.id}-hint">${options.hint}</p>` : null}
${options.error ? html`<p class="field-error" id="${options.id}-error">${options.error}</p>` : null}`;
}

function common(options: FieldOptions): SafeHtml {
  return html`id="${options.id}" name="${options.name}"${options.required ? html` required` : null}${
    options.autocomplete ? html` autocomplete="${options.autocomplete}"` : null
  }${options.error ? html` aria-invalid="true"` : null}${describedBy(options)}${options.autofocus || options.error ? html` autofocus` : null}${
    options.attributes ? html` ${options.attributes}` : null
  }`;
}

export function inputField(options: FieldOptions): SafeHtml {
  const value = options.type === 'password' ? null : html` value="${options.value ?? ''}"`;
  return html`<div class="field${options.error ? ' invalid' : ''}">
<label for="${options.id}">${options.label}</label>
${notes(options)}
<input type="${options.type ?? 'text'}" ${common(options)}${value}>
</div>`;
}

export function textareaField(options: FieldOptions & { rows?: number }): SafeHtml {
  return html`<div class="field${options.error ? ' invalid' : ''}">
<label for="${options.id}">${options.label}</label>
${notes(options)}
<textarea ${common(options)} rows="${options.rows ?? 3}">${options.value ?? ''}</textarea>
</div>`;
}

export function checkboxField(
  options: Omit<FieldOptions, 'value'> & { checked: boolean; disabled?: boolean },
): SafeHtml {
  return html`<div class="field check${options.error ? ' invalid' : ''}">
<label for="${options.id}"><input type="checkbox" id="${options.id}" name="${options.name}" value="1"${options.checked ? html` checked` : null}${
    options.disabled ? html` disabled` : null
  }${describedBy(options)}> ${options.label}</label>
${notes(options)}
</div>`;
}

export function fileField(options: Omit<FieldOptions, 'value'> & { accept: string }): SafeHtml {
  return html`<div class="field${options.error ? ' invalid' : ''}">
<label for="${options.id}">${options.label}</label>
${notes(options)}
<input type="file" ${common(options)} accept="${options.accept}">
</div>`;
}
