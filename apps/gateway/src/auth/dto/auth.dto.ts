// Properties carry explicit types: swc emits design:type from annotations, not from initialisers.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class LoginRequest {
  @ApiProperty({ example: 'demo', description: 'Tenant slug' })
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/)
  tenant!: string;

  @ApiProperty({ example: 'admin@demo.supra.local' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'supra-demo' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({ example: '123456', description: 'Current TOTP code, for accounts with TOTP enabled' })
  @IsOptional()
  @Matches(/^\d{6}$/)
  totp?: string;

  @ApiPropertyOptional({ example: 'Caja 3 (oficina centro)' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  deviceName?: string;
}

export class RefreshRequest {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  refreshToken!: string;
}

export class TotpVerifyRequest {
  @ApiProperty({ example: '123456' })
  @Matches(/^\d{6}$/)
  code!: string;
}

export class TokenResponse {
  @ApiProperty() accessToken!: string;
  @ApiPropertyOptional({ description: 'Absent for a totp_setup token' }) refreshToken?: string;
  @ApiProperty({ example: 600 }) expiresIn!: number;
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiPropertyOptional({ enum: ['totp_setup'], description: 'Present when the token only allows TOTP enrolment' }) scope?: 'totp_setup';
}

export class TotpSetupResponse {
  @ApiProperty({ description: 'Base32 secret, for manual entry' }) secret!: string;
  @ApiProperty({ example: 'otpauth://totp/SUPRA%20demo%3Aadmin%40demo.supra.local?secret=...' }) otpauthUri!: string;
}

export class MeResponse {
  @ApiProperty() userId!: string;
  @ApiProperty() tenantId!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: [String] }) permissions!: string[];
  @ApiProperty() totpEnabled!: boolean;
  @ApiProperty() sessionId!: string;
}

/** A device session (one sign-in, one refresh-token family); never carries a token or its hash. */
export class SessionView {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) deviceName!: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ description: 'How many times its refresh token was rotated' }) rotations!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() lastUsedAt!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ description: 'The session of the token that asked' }) current!: boolean;
}
