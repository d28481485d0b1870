import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';
import type { TokenPair } from '@shopflow/contracts';

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @IsString()
  @MaxLength(254)
  email: string;

  @ApiProperty({ maxLength: 128, writeOnly: true })
  @IsString()
  @Length(1, 128)
  password: string;
}

export class RefreshTokenDto {
  @ApiProperty({ description: 'The refresh token from the last login or refresh' })
  @IsString()
  @Length(1, 200)
  refreshToken: string;
}

export class TokenPairDto implements TokenPair {
  @ApiProperty({ description: 'JWT for the Authorization: Bearer header' }) accessToken: string;
  @ApiProperty({ description: 'Opaque, single use; exchange it at /v1/auth/refresh' }) refreshToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn: number;
}
