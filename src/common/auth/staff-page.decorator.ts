import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { Role } from './roles';
import { Allow } from './roles.decorator';

export const STAFF_PAGE_KEY = 'qalam:staff-page';

/**
 * A page of the staff console: at least `role` (coordinator by default), by the session
 * cookie or a Bearer header. An anonymous visitor is sent to /login (SignInRequiredError),
 * a member gets the 403 page.
 */
export const StaffPage = (role: Extract<Role, 'coordinator' | 'admin'> = 'coordinator') => applyDecorators(SetMetadata(STAFF_PAGE_KEY, true), Allow(role));

/** An anonymous visitor on a staff page: the page filter answers 303 to /login?next=<path>. */
export class SignInRequiredError extends Error {
  constructor(readonly next: string) {
    super('sign in first');
  }
}
