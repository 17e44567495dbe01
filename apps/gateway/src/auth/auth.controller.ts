import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowTotpSetupToken, Authenticated, Public } from '../http/access-rules';
import { ClientMetaOf, CurrentPrincipal } from '../http/gateway-request';
import type { Principal } from '../keys/access-tokens';
import { AuthService, type ClientMeta } from './auth.service';
import { LoginRequest, MeResponse, RefreshRequest, SessionView, TokenResponse, TotpSetupResponse, TotpVerifyRequest } from './dto/auth.dto';
import { uuidPipe } from '../http/uuid-pipe';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with tenant, email and password (and TOTP when enabled)' })
  @ApiOkResponse({ type: TokenResponse })
  login(@Body() body: LoginRequest, @ClientMetaOf() meta: ClientMeta): Promise<TokenResponse> {
    return this.auth.login(body, meta);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair (the old refresh token stops working)' })
  @ApiOkResponse({ type: TokenResponse })
  refresh(@Body() body: RefreshRequest): Promise<TokenResponse> {
    return this.auth.refresh(body.refreshToken);
  }

  @Authenticated()
  @AllowTotpSetupToken()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out this device session (its refresh token and access tokens stop working)' })
  async logout(@CurrentPrincipal() p: Principal): Promise<void> {
    await this.auth.logout(p);
  }

  @Authenticated()
  @Get('sessions')
  @ApiOperation({ summary: 'Your open device sessions (where you are signed in)' })
  @ApiOkResponse({ type: [SessionView] })
  sessions(@CurrentPrincipal() p: Principal): Promise<SessionView[]> {
    return this.auth.listSessions(p);
  }

  @Authenticated()
  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out one of your device sessions (its refresh and access tokens stop working)' })
  async revokeSession(@CurrentPrincipal() p: Principal, @Param('id', uuidPipe) id: string): Promise<void> {
    await this.auth.revokeOwnSession(p, id);
  }

  @Authenticated()
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user, roles and effective permissions' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentPrincipal() p: Principal): Promise<MeResponse> {
    return this.auth.me(p);
  }

  @Authenticated()
  @AllowTotpSetupToken()
  @Post('totp/setup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start TOTP enrolment: returns the secret and an otpauth:// URI for an authenticator app' })
  @ApiOkResponse({ type: TotpSetupResponse })
  totpSetup(@CurrentPrincipal() p: Principal): Promise<TotpSetupResponse> {
    return this.auth.totpSetup(p);
  }

  @Authenticated()
  @AllowTotpSetupToken()
  @Post('totp/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Finish TOTP enrolment with a current code; then sign in again with it' })
  totpVerify(@CurrentPrincipal() p: Principal, @Body() body: TotpVerifyRequest): Promise<{ totpEnabled: true }> {
    return this.auth.totpVerify(p, body.code);
  }
}
