import { randomUUID } from 'node:crypto';
import type { PrintedLetter, PrintOptions } from '../../src/printing/letters-pdf';

/** The organisation of the printing specs: its return address is on every letter and envelope. */
export const ORG: PrintOptions = {
  paperSize: 'A4',
  orgName: 'Qalam Letter-Writing Group',
  orgPostalAddress: '12 Rue des Lilas\n75011 Paris\nFRANCE',
};

/** A printed letter to the Prosecutor General of Tajikistan, with overridable fields. */
export function aPrintedLetter(overrides: Partial<PrintedLetter> = {}): PrintedLetter {
  return {
    id: randomUUID(),
    date: '2026-12-02',
    language: 'en',
    subject: 'Appeal on behalf of Rukhshona Hakimova',
    body: [
      'Dear Prosecutor General,',
      'I am writing to express my deep concern for Rukhshona Hakimova, a journalist detained in Tajikistan since 2025.',
      'I respectfully urge you to release her immediately and unconditionally.',
      'Yours respectfully,',
    ].join('\n\n'),
    signature: 'Rukhshona K.',
    note: null,
    official: {
      name: 'Mr Yusuf Rahmon',
      title: 'Prosecutor General of the Republic of Tajikistan',
      organisation: 'General Prosecutor’s Office',
      postalAddress: '126 Nabiev Street\nDushanbe 734043',
      country: 'TJ',
    },
    ...overrides,
  };
}

/** A body of `paragraphs` paragraphs, each numbered so that its place can be checked. */
export function aLongBody(paragraphs: number): string {
  return Array.from(
    { length: paragraphs },
    (_, index) => `Paragraph ${index + 1}. The right to freedom of expression is protected by Article 19 of the International Covenant on Civil and Political Rights, to which the state is a party; its authorities must release everyone held for exercising it peacefully.`,
  ).join('\n\n');
}
