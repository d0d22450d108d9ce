import { applyDecorators, CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { QALAM_CONFIG, QalamConfig } from '../../config/config';
import { RateLimitService } from './rate-limit.service';

export type RateLimitKind = 'login' | 'signup' | 'signing';
export const RATE_LIMIT_KEY = 'qalam:rate-limit';

/**
 * Requests a caller may make per minute, counted in Redis: logins per IP and per email
 * (hashed), signups and signings per IP. Over the limit: 429 with Retry-After.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(RateLimitService) private readonly limits: RateLimitService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kind = this.reflector.get<RateLimitKind | undefined>(RATE_LIMIT_KEY, context.getHandler());
    if (!kind) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const ip = this.limits.ipKey(request.ip ?? request.socket.remoteAddress ?? 'unknown');
    const { rateLimits } = this.config;
    const checks: [string, string, number][] = [];
    if (kind === 'login') {
      checks.push(['login-ip', ip, rateLimits.loginPerIpPerMinute]);
      const email = (request.body as { email?: unknown } | undefined)?.email;
      if (typeof email === 'string') checks.push(['login-email', RateLimitService.emailKey(email), rateLimits.loginPerEmailPerMinute]);
    } else if (kind === 'signup') {
      checks.push(['signup-ip', ip, rateLimits.signupPerMinute]);
    } else {
      checks.push(['signing-ip', ip, rateLimits.signingPerMinute]);
    }
    // Every counter counts the request, so that spreading tries over emails still meets the IP's limit.
    const outcomes = await Promise.all(checks.map(([bucket, key, limit]) => this.limits.hit(bucket, key, limit)));
    const refused = outcomes.filter((outcome) => !outcome.allowed);
    if (refused.length === 0) return true;
    const retryAfter = Math.max(...refused.map((outcome) => outcome.retryAfterSeconds));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new HttpException({ statusCode: HttpStatus.TOO_MANY_REQUESTS, message: `Too many requests: try again in ${retryAfter} seconds`, error: 'Too Many Requests' }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** Limits this route's requests per minute (see RateLimitGuard); the limits are in src/config. */
export const RateLimited = (kind: RateLimitKind) => applyDecorators(SetMetadata(RATE_LIMIT_KEY, kind), UseGuards(RateLimitGuard));
