import { Body, Controller, Delete, ForbiddenException, HttpCode, Inject, Post, Res, UnauthorizedException } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNoContentResponse, ApiOperation, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/error-response.dto';
import { IsString, Matches, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { Public } from '../common/auth/roles.decorator';
import { BOARD_COOKIE, DASHBOARD_COOKIE, DASHBOARD_PATH, QUEUE_BOARD_PATH } from './queue-board';

export class BoardSessionDto {
  @ApiProperty({ description: 'An admin access token from POST /api/auth/login' })
  @IsString() @MaxLength(4096) @Matches(/^[A-Za-z0-9._-]+$/)
  accessToken!: string;
}

/**
 * A browser cannot send a Bearer header when it opens /admin/queues, so an admin posts the
 * access token here once and gets it back as an HttpOnly, SameSite=Strict cookie scoped to
 * the board's path (expiring with the token).
 */
@ApiTags('operations')
@Controller('admin/session')
export class BoardSessionController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Post()
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Exchange an admin access token for the cookies of Bull Board and the dashboard' })
  @ApiNoContentResponse({ description: 'The cookies are set' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'The token is not valid' })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'The token is not an admin\'s' })
  async open(@Body() body: BoardSessionDto, @Res({ passthrough: true }) res: Response): Promise<void> {
    const caller = await this.auth.callerFromHeader(`Bearer ${body.accessToken}`);
    if (!caller) throw new UnauthorizedException('Sign in as an admin first');
    if (caller.role !== 'admin') throw new ForbiddenException('Your role does not allow this');
    res.cookie(BOARD_COOKIE, body.accessToken, { httpOnly: true, sameSite: 'strict', secure: res.req.secure, path: QUEUE_BOARD_PATH });
    res.cookie(DASHBOARD_COOKIE, body.accessToken, { httpOnly: true, sameSite: 'strict', secure: res.req.secure, path: DASHBOARD_PATH });
  }

  /** The dashboard's cookie alone (path /admin), for coordinators as well as admins; the queue board stays admin-only. */
  @Post('dashboard')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: "Exchange a coordinator's or an admin's access token for the dashboard's cookie" })
  @ApiNoContentResponse({ description: 'The cookie is set' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'The token is not valid' })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'The token is a member\'s' })
  async openDashboard(@Body() body: BoardSessionDto, @Res({ passthrough: true }) res: Response): Promise<void> {
    const caller = await this.auth.callerFromHeader(`Bearer ${body.accessToken}`);
    if (!caller) throw new UnauthorizedException('Sign in first');
    if (caller.role !== 'admin' && caller.role !== 'coordinator') throw new ForbiddenException('Your role does not allow this');
    res.cookie(DASHBOARD_COOKIE, body.accessToken, { httpOnly: true, sameSite: 'strict', secure: res.req.secure, path: DASHBOARD_PATH });
  }

  @Delete()
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Clear the cookies' })
  @ApiNoContentResponse({ description: 'The cookies are cleared' })
  close(@Res({ passthrough: true }) res: Response): void {
    res.clearCookie(BOARD_COOKIE, { path: QUEUE_BOARD_PATH });
    res.clearCookie(DASHBOARD_COOKIE, { path: DASHBOARD_PATH });
  }
}
