import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ROLES, Role } from '../common/auth/roles';
import { AuthService } from './auth.service';
import type { Caller } from '../common/auth/current-supporter.decorator';
import { Access, ACCESS_KEY } from '../common/auth/roles.decorator';
import { authorizationOf } from './session-cookie';
import { SignInRequiredError, STAFF_PAGE_KEY } from '../common/auth/staff-page.decorator';
import { StaffSessionsService } from './staff-sessions.service';
import type { SupporterView } from '../supporters/dto/supporter.dto';

const RANK: Record<Role, number> = { member: 1, coordinator: 2, admin: 3 };

/**
 * Global guard that denies by default: a route is reachable only when it says who may
 * reach it (@Public or @Allow). Anonymous callers get 401, the wrong role 403.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(StaffSessionsService) private readonly sessions: StaffSessionsService,
  ) {}

  /** Each route's rule (by controller, then handler), read from its decorators once: they do not change while the app runs. */
  private readonly rules = new WeakMap<object, WeakMap<object, { access: Access | undefined; staffPage: boolean }>>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = context.getHandler();
    const controller = context.getClass();
    let ofController = this.rules.get(controller);
    if (!ofController) this.rules.set(controller, (ofController = new WeakMap()));
    let rule = ofController.get(handler);
    if (!rule) {
      const targets = [handler, controller];
      // The dashboard's pages (/admin) also take the HttpOnly cookie from POST /admin/session: a browser sends no Bearer header.
      rule = { access: this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, targets), staffPage: this.reflector.getAllAndOverride<boolean | undefined>(STAFF_PAGE_KEY, targets) === true };
      ofController.set(handler, rule);
    }
    const { access, staffPage } = rule;
    if (access?.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<Request & { caller?: Caller; callerRecord?: SupporterView }>();
    const authorization = authorizationOf(request);
    // Pages (never /api, whose callers send Bearer and whose posts carry no CSRF token) also take the console's session cookie.
    const bearer = authorization !== undefined ? await this.auth.callerFromHeader(authorization) : null;
    const caller = bearer ? { id: bearer.id, role: bearer.role } : authorization !== undefined || isApiPath(request.path) ? null : await this.sessions.callerOf(request);
    if (!caller && staffPage) throw new SignInRequiredError(request.method === 'GET' ? request.originalUrl : request.path);
    if (!caller) throw new UnauthorizedException('Sign in first: send Authorization: Bearer <accessToken>');
    request.caller = caller;
    // The record read for the check, for GET /api/me to answer with instead of reading it again.
    if (bearer) request.callerRecord = bearer.record;
    if (!access || !ROLES.includes(access.role) || RANK[caller.role] < RANK[access.role]) {
      throw new ForbiddenException('Your role does not allow this');
    }
    return true;
  }
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}
