// Options of the invitation-letter channel (registration.letter), part of the one configuration
// schema in broker/config.ts.
import { z } from 'zod';

export const letterChannelSchema = z
  .object({
    residentsFile: z
      .string()
      .nullable()
      .describe('JSON register of residents and their fiscal addresses (demo data; real tax registers are out of scope), loaded at start; relative to the project root; null: the channel is off'),
    validityDays: z.number().int().min(1).max(365).describe('days a letter\'s secure verification code (CSV) stays valid after the letter is issued'),
    maxWrongCodes: z.number().int().min(1).max(10).describe('wrong CSVs typed with the right DNI/NIE and document data after which the letter is void (issue 9: 5)'),
    requestsPerPersonPerDay: z.number().int().min(1).max(20).describe('letters one DNI/NIE may ask for per day (counted whether or not it is in the register); each new letter voids the previous one'),
    requestsPerIpPerHour: z.number().int().min(1).describe('letter requests from one IP address per hour'),
    completionsPerIpPerHour: z.number().int().min(1).describe('CSV entries from one IP address per hour'),
    completionsPerPersonPerHour: z.number().int().min(1).describe('CSV entries for one DNI/NIE per hour, whatever the document data typed'),
    visitMinutes: z.number().int().min(5).max(120).describe('how long one visit to the registration pages (its cookie, its CSRF token, a checked CSV waiting for the contact details) lasts'),
  })
  .describe('registration by invitation letter with a secure verification code → basic level (seed 000 §2.2.2); letters are written as PDFs to notify.outboxDir/letters with one line each in letter.jsonl, where a print-and-post service collects them');

export type LetterChannelConfig = z.infer<typeof letterChannelSchema>;
