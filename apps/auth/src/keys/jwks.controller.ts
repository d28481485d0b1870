import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SIGNING_KEYS } from './signing-keys.token';
import type { SigningKeys } from './signing-keys';

@ApiTags('keys')
@Controller('.well-known')
export class JwksController {
  constructor(@Inject(SIGNING_KEYS) private readonly keys: SigningKeys) {}

  /** Public keys for verifying access tokens; caches may keep them briefly (rotation publishes early). */
  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOkResponse({ description: 'JSON Web Key Set with every key that may have signed a live token' })
  jwks() {
    return this.keys.jwks;
  }
}
