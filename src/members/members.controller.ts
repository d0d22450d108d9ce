import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/roles.decorator';
import { ErrorResponse } from '../common/error-response.dto';
import { RateLimited } from '../common/rate-limit/rate-limit.guard';
import { ConfirmedView, SignupAccepted, SignupDto, UnsubscribedView } from './dto/signup.dto';

const ApiBadLink = () => ApiNotFoundResponse({ type: ErrorResponse, description: 'The link is tampered with, expired or not for this' });
import { MembersService } from './members.service';

/** Public: a person joining, confirming, or leaving; links from members' emails carry the token. */
@ApiTags('members')
@Controller('api')
@Public()
export class MembersController {
  constructor(@Inject(MembersService) private readonly members: MembersService) {}

  /** 202 alike for a new or a known address: the answer never tells whether someone is a member. */
  @Post('signup')
  @RateLimited('signup')
  @HttpCode(202)
  @ApiOperation({ summary: 'Join: a confirmation link is emailed (the same answer for a known address)' })
  @ApiAcceptedResponse({ type: SignupAccepted })
  async signup(@Body() body: SignupDto): Promise<SignupAccepted> {
    await this.members.signup(body);
    return { message: 'Thank you. Check your inbox: we sent you a link to confirm that you want to join.' };
  }

  @Post('signup/confirm/:token')
  @HttpCode(200)
  @ApiOperation({ summary: "Confirm a signup with the emailed link's token" })
  @ApiOkResponse({ type: ConfirmedView })
  @ApiBadLink()
  confirm(@Param('token') token: string) {
    return this.members.confirm(token);
  }

  /**
   * RFC 8058 one-click unsubscribe: mail programs POST here (body `List-Unsubscribe=One-Click`,
   * which is not read). GET is deliberately not an unsubscribe: link scanners follow links.
   */
  @Post('unsubscribe/:token')
  @HttpCode(200)
  @ApiOperation({ summary: 'One-click unsubscribe (RFC 8058)' })
  @ApiOkResponse({ type: UnsubscribedView })
  @ApiBadLink()
  unsubscribe(@Param('token') token: string) {
    return this.members.unsubscribe(token);
  }
}
