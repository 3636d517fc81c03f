// The invitation letter as a PDF (pdf-lib): the fiscal address in the window position, the secure
// verification code (CSV), its expiry, and how to complete the registration, in Spanish and
// English. One A4 page with the standard Helvetica fonts, so nothing is read from disk.
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { formatVerificationCode } from './verification-code.js';

export interface LetterContent {
  /** the address block, first line the addressee */
  readonly addressLines: readonly string[];
  readonly verificationCode: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /** where the person completes the registration */
  readonly completeUrl: string;
  /** the resident's DNI/NIE, shown masked so the person recognises whose letter it is */
  readonly documentNumber: string;
  /** wrong codes that void the letter */
  readonly maxWrongCodes: number;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;

// The standard fonts only encode WinAnsi (Latin-1 and a few more). Letters outside it that do not
// decompose into a base letter and an accent get their usual ASCII spelling; anything else a '?',
// rather than a letter that cannot be produced. Embedding a Unicode font would need fontkit.
const TRANSLITERATIONS: Readonly<Record<string, string>> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', ı: 'i', Ħ: 'H', ħ: 'h', Ŀ: 'L', ŀ: 'l' };

export function encodable(font: PDFFont, text: string): string {
  const supported = new Set(font.getCharacterSet());
  return Array.from(text, (ch) => {
    if (supported.has(ch.codePointAt(0)!)) return ch;
    const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
    if (base && Array.from(base).every((c) => supported.has(c.codePointAt(0)!))) return base;
    return TRANSLITERATIONS[ch] ?? '?';
  }).join('');
}

/** dd/mm/yyyy in Madrid's calendar: the date a Spanish reader expects on the letter */
function day(d: Date): string {
  return new Intl.DateTimeFormat('es-ES', { timeZone: 'Europe/Madrid', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
}

function maskedDocument(doc: string): string {
  return `${'*'.repeat(Math.max(0, doc.length - 4))}${doc.slice(-4)}`;
}

export async function renderLetterPdf(letter: LetterContent): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Carta de invitación / Invitation letter');
  pdf.setSubject('Registro en Pasarela / Registration with Pasarela');
  pdf.setProducer('Pasarela');
  pdf.setCreationDate(letter.issuedAt);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const mono = await pdf.embedFont(StandardFonts.CourierBold);
  const page = pdf.addPage(A4);
  let y = A4[1] - MARGIN;

  const write = (p: PDFPage, text: string, opts: { font?: PDFFont; size?: number; gap?: number } = {}) => {
    const font = opts.font ?? regular;
    const size = opts.size ?? 10;
    for (const line of wrap(font, encodable(font, text), size, A4[0] - 2 * MARGIN)) {
      p.drawText(line, { x: MARGIN, y, size, font, color: rgb(0, 0, 0) });
      y -= size * 1.35;
    }
    y -= opts.gap ?? 4;
  };

  write(page, 'Pasarela · Registro por carta de invitación / Registration by invitation letter', { font: bold, size: 11, gap: 24 });
  for (const line of letter.addressLines) write(page, line, { size: 11, gap: 0 });
  y -= 24;
  write(page, `Fecha / Date: ${day(letter.issuedAt)}    DNI/NIE: ${maskedDocument(letter.documentNumber)}`, { gap: 16 });

  write(page, 'Código Seguro de Verificación (CSV) / Secure Verification Code (CSV):', { font: bold });
  write(page, formatVerificationCode(letter.verificationCode), { font: mono, size: 20, gap: 8 });
  write(page, `Válido hasta el ${day(letter.expiresAt)} inclusive / Valid until ${day(letter.expiresAt)} inclusive`, { font: bold, gap: 18 });

  write(page, 'Español', { font: bold });
  write(page, 'Ha solicitado registrarse en Pasarela sin certificado electrónico. Para completar el registro (nivel básico):', { gap: 2 });
  write(page, `1. Acceda a ${letter.completeUrl}`, { gap: 0 });
  write(page, '2. Identifíquese con su DNI o NIE y la fecha de validez del DNI (o el número de soporte del NIE).', { gap: 0 });
  write(page, '3. Introduzca el CSV de esta carta.', { gap: 0 });
  write(page, '4. Indique su teléfono móvil y su correo electrónico, y lea y acepte las condiciones.', { gap: 4 });
  write(page, `El CSV solo puede usarse una vez. Tras ${letter.maxWrongCodes} intentos erróneos deja de ser válido y deberá solicitar una nueva carta. Cada carta nueva anula la anterior. Solo se puede asociar un DNI/NIE a cada número de móvil. Si usted no ha solicitado esta carta, no haga nada: sin el CSV nadie puede completar el registro.`, { gap: 18 });

  write(page, 'English', { font: bold });
  write(page, 'You asked to register with Pasarela without an electronic certificate. To complete the registration (basic level):', { gap: 2 });
  write(page, `1. Go to ${letter.completeUrl}`, { gap: 0 });
  write(page, '2. Identify yourself with your DNI or NIE and the DNI validity date (or the NIE support number).', { gap: 0 });
  write(page, '3. Enter the CSV of this letter.', { gap: 0 });
  write(page, '4. Give your mobile number and your e-mail address, and read and accept the conditions.', { gap: 4 });
  write(page, `The CSV can be used once. After ${letter.maxWrongCodes} wrong tries it is no longer valid and you must ask for a new letter. Each new letter voids the previous one. Only one DNI/NIE can be linked to each mobile number. If you did not ask for this letter, do nothing: without the CSV nobody can complete the registration.`);

  return pdf.save();
}

/** Greedy word wrap by the font's widths. */
function wrap(font: PDFFont, text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const next = current ? `${current} ${word}` : word;
    if (current && font.widthOfTextAtSize(next, size) > width) {
      lines.push(current);
      current = word;
    } else current = next;
  }
  lines.push(current);
  return lines;
}
