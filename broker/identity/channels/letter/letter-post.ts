// Posting a letter: the PDF goes to <outbox>/letters/<letter id>.pdf and one JSON line
// {"channel":"letter","to","pdf","at"} to <outbox>/letter.jsonl, where a print-and-post service
// (or a developer, or a test) collects it; sending real post is out of scope. Each line is one
// appendFile on a file opened O_APPEND, as the outbox of codes does, so lines from several nodes
// sharing the directory never interleave. Files are 0600: the PDF holds a live code.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface OutgoingLetter {
  readonly id: string;
  readonly addressLines: readonly string[];
  readonly pdf: Uint8Array;
}

export interface LetterPost {
  /** writes the letter; returns the PDF's path */
  send(letter: OutgoingLetter): Promise<string>;
}

export function createLetterPost(outboxDir: string, now: () => Date): LetterPost {
  const lettersDir = path.join(outboxDir, 'letters');
  return {
    async send(letter) {
      if (!/^[0-9a-f-]{36}$/.test(letter.id)) throw new TypeError(`letter id ${letter.id} is not a uuid`);
      await mkdir(lettersDir, { recursive: true, mode: 0o700 });
      const pdfPath = path.join(lettersDir, `${letter.id}.pdf`);
      await writeFile(pdfPath, letter.pdf, { mode: 0o600, flag: 'wx' });
      const line = `${JSON.stringify({ channel: 'letter', to: letter.addressLines.join(', '), pdf: pdfPath, at: now().toISOString() })}\n`;
      await appendFile(path.join(outboxDir, 'letter.jsonl'), line, { flag: 'a', mode: 0o600 });
      return pdfPath;
    },
  };
}
