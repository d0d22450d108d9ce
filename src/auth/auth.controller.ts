import { Body, Controller, HttpCode, Inject, Post, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/error-response.dto';
import { AuthService } from './auth.service';
import { LoginDto, LoginResponse } from './dto/login.dto';
import { Public } from '../common/auth/roles.decorator';
import { RateLimited } from '../common/rate-limit/rate-limit.guard';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @RateLimited('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in: an access token for the Bearer header, and who you are' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Email or password is wrong, or the account is inactive' })
  async login(@Body() body: LoginDto): Promise<LoginResponse> {
    // Authentication is HTTP's business: the service says only that the credentials fail.
    const answer = await this.auth.login(body.email, body.password);
    if (!answer) throw new UnauthorizedException('Email or password is wrong');
    return answer;
  }
}
