import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../http/access-rules';
import { AccessTokens } from './access-tokens';
import type { PublicJwk } from './signing-keys';

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly tokens: AccessTokens) {}

  @Public()
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify access tokens (JWKS)' })
  jwks(): { keys: PublicJwk[] } {
    return this.tokens.jwks();
  }
}
