import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { TokenPair, UserProfile } from '@shopflow/contracts';
import { Authenticated, CurrentUser, type AuthenticatedUser } from '@shopflow/platform/security';
import { RegisterUserDto, UserProfileDto } from '../users/user.dto';
import { UsersService } from '../users/users.service';
import { LoginDto, RefreshTokenDto, TokenPairDto } from './session.dto';
import { SessionsService } from './sessions.service';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('register')
  @ApiCreatedResponse({ type: UserProfileDto })
  @ApiConflictResponse({ description: 'USER.EMAIL_TAKEN' })
  register(@Body() body: RegisterUserDto): Promise<UserProfile> {
    return this.users.register(body);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'AUTH.INVALID_CREDENTIALS (same answer for an unknown email)' })
  @ApiTooManyRequestsResponse({ description: 'AUTH.TOO_MANY_ATTEMPTS, with Retry-After' })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<TokenPair> {
    return this.sessions.login(body.email, body.password, request.ip);
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({
    description: 'AUTH.INVALID_REFRESH_TOKEN; reusing a spent token revokes its family',
  })
  refresh(@Body() body: RefreshTokenDto): Promise<TokenPair> {
    return this.sessions.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: "The refresh token's family is revoked" })
  async logout(@Body() body: RefreshTokenDto): Promise<void> {
    await this.sessions.logout(body.refreshToken);
  }

  @Get('me')
  @Authenticated()
  @ApiOkResponse({ type: UserProfileDto })
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserProfile> {
    return this.users.profile(user.id);
  }
}
