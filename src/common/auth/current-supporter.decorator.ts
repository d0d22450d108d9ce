import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Role } from './roles';

/** Who is calling, as the access token says. */
export interface Caller {
  id: string;
  role: Role;
}

export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  return context.switchToHttp().getRequest<{ caller: Caller }>().caller;
});

export function isCoordinator(caller: Caller): boolean {
  return caller.role === 'coordinator' || caller.role === 'admin';
}

/**
 * The caller's own record as the access check read it in this request (Bearer callers), or
 * undefined: GET /api/me answers with it rather than reading the same row twice.
 */
export const CallerRecord = createParamDecorator((_: unknown, context: ExecutionContext): unknown => {
  return context.switchToHttp().getRequest<{ callerRecord?: unknown }>().callerRecord;
});
