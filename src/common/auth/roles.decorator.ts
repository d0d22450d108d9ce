import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles';

export const ACCESS_KEY = 'qalam:access';
export type Access = { kind: 'public' } | { kind: 'role'; role: Role };

/** Anyone, signed in or not. */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies Access);
/** At least this role; admin includes coordinator includes member. */
export const Allow = (role: Role) => SetMetadata(ACCESS_KEY, { kind: 'role', role } satisfies Access);
