// The identity data a person types for Cl@ve PIN and Cl@ve Móvil (seed 000 §3.2, §4.2): DNI/NIE,
// and the DNI's validity date or the NIE's support number. One fragment, so both connectors ask
// in the same words and with the same autocomplete and length rules.
import { html, type SafeHtml } from './html.js';

export interface ContrastDataValues {
  readonly document?: string;
  readonly documentDate?: string;
  readonly supportNumber?: string;
}

export function contrastDataFields(t: (key: string) => string, v: ContrastDataValues): SafeHtml {
  return html`<label for="document">${t('pin.document')} <span class="hint" id="document-hint">${t('pin.document.hint')}</span></label>
<input type="text" id="document" name="document" required autocomplete="off" spellcheck="false" maxlength="12" aria-describedby="document-hint" value="${v.document ?? ''}">
<label for="documentDate">${t('pin.documentDate')}</label>
<input type="date" id="documentDate" name="documentDate" value="${v.documentDate ?? ''}">
<label for="supportNumber">${t('pin.supportNumber')} <span class="hint" id="support-hint">${t('pin.supportNumber.hint')}</span></label>
<input type="text" id="supportNumber" name="supportNumber" autocomplete="off" maxlength="12" aria-describedby="support-hint" value="${v.supportNumber ?? ''}">`;
}
