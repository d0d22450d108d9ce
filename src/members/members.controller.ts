import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Public } from '../auth/roles.decorator';
import { RateLimited } from '../rate-limit/rate-limit.guard';
import { SignupDto } from './dto/signup.dto';
import { MembersService } from './members.service';

/** Public: a person joining, confirming, or leaving; links from members' emails carry the token. */
@Controller('api')
@Public()
export class MembersController {
  constructor(@Inject(MembersService) private readonly members: MembersService) {}

  /** 202 alike for a new or a known address: the answer never tells whether someone is a member. */
  @Post('signup')
  @RateLimited('signup')
  @HttpCode(202)
  async signup(@Body() body: SignupDto) {
    await this.members.signup(body);
    return { message: 'Thank you. Check your inbox: we sent you a link to confirm that you want to join.' };
  }

  @Post('signup/confirm/:token')
  @HttpCode(200)
  confirm(@Param('token') token: string) {
    return this.members.confirm(token);
  }

  /**
   * RFC 8058 one-click unsubscribe: mail programs POST here (body `List-Unsubscribe=One-Click`,
   * which is not read). GET is deliberately not an unsubscribe: link scanners follow links.
   */
  @Post('unsubscribe/:token')
  @HttpCode(200)
  unsubscribe(@Param('token') token: string) {
    return this.members.unsubscribe(token);
  }
}
