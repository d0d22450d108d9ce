import { HttpStatus } from '@nestjs/common';
import type { Response } from 'express';

/** 303 to `location`: after a form is accepted, the browser loads the record's page. */
export function seeOther(response: Response, location: string): string {
  response.status(HttpStatus.SEE_OTHER).setHeader('Location', location);
  response.setHeader('Cache-Control', 'no-store');
  return '';
}

/** A page number from a query string: a whole number from 1 to 1,000,000, else `fallback`. */
export function whole(value: unknown, fallback: number): number {
  const number = typeof value === 'string' && /^\d{1,7}$/.test(value) ? Number(value) : NaN;
  return number >= 1 && number <= 1_000_000 ? number : fallback;
}
