// The proof of renunciation (seed 000 §2.6.2 step 6: "your data and the 'View PDF' button are shown
// again, so you can download the proof"): one A4 page with the person's data as they were, the
// moment, what was revoked, how long the registration data are kept, and the reference under
// which the audit log recorded it. pdf-lib with a standard font (WinAnsi covers Spanish accents).
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import type { Renounced } from './renounce.js';

export interface ProofText {
  readonly title: string;
  readonly lines: readonly string[];
}

export async function renunciationProofPdf(text: ProofText, renounced: Renounced): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(text.title);
  doc.setCreator('Pasarela');
  doc.setCreationDate(renounced.at);
  const page = doc.addPage([595.28, 841.89]);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let y = 780;
  page.drawText(text.title, { x: 56, y, size: 18, font: bold, color: rgb(0, 0, 0) });
  y -= 36;
  for (const line of text.lines) {
    for (const part of wrap(line, regular, 11, 483)) {
      page.drawText(part, { x: 56, y, size: 11, font: regular });
      y -= 16;
    }
    y -= 6;
  }
  return doc.save();
}

/** splits at spaces so no line is wider than `width` points */
function wrap(line: string, font: { widthOfTextAtSize(t: string, s: number): number }, size: number, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    const next = current ? `${current} ${word}` : word;
    if (current && font.widthOfTextAtSize(next, size) > width) {
      out.push(current);
      current = word;
    } else current = next;
  }
  if (current) out.push(current);
  return out;
}
