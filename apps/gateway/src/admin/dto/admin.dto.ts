// Properties carry explicit types: swc emits design:type from annotations, not from initialisers.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const ROLE_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const PERMISSION = /^(\*|[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*(\.\*)?)$/;

export class AdminPageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  size?: number;
}

export class ListUsersQuery extends AdminPageQuery {
  @ApiPropertyOptional({ description: 'Part of the email or name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class CreateTenantRequest {
  @ApiProperty({ example: 'cea-qro' })
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/)
  slug!: string;

  @ApiProperty({ example: 'Comisión Estatal de Aguas de Querétaro' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'America/Mexico_City' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiProperty({ example: 'admin@cea-qro.example' })
  @IsEmail()
  adminEmail!: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  adminPassword!: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  requireTotpForAdmins?: boolean;

  @ApiPropertyOptional({ description: 'RFC, razón social, régimen fiscal, domicilio fiscal…' })
  @IsOptional()
  @IsObject()
  fiscalData?: Record<string, unknown>;
}

export class TenantView {
  @ApiProperty() id!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty() status!: string;
  @ApiProperty() requireTotpForAdmins!: boolean;
  @ApiProperty() fiscalData!: Record<string, unknown>;
  @ApiProperty() createdAt!: string;
}

export class CreateUserRequest {
  @ApiProperty({ example: 'cajero1@demo.supra.local' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'María López' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  password!: string;

  @ApiProperty({ type: [String], example: ['cajero'] })
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(ROLE_NAME, { each: true })
  roles!: string[];
}

export class UpdateUserRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ minLength: 12 })
  @IsOptional()
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';

  @ApiPropertyOptional({ description: 'Clears the lock after failed sign-ins' })
  @IsOptional()
  @IsBoolean()
  unlock?: boolean;

  @ApiPropertyOptional({ description: 'Removes the user’s TOTP (lost phone); an admin must enrol again' })
  @IsOptional()
  @IsBoolean()
  resetTotp?: boolean;
}

export class SetUserRolesRequest {
  @ApiProperty({ type: [String], example: ['operador', 'cajero'] })
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(ROLE_NAME, { each: true })
  roles!: string[];
}

export class UserView {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['active', 'disabled'] }) status!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty() totpEnabled!: boolean;
  @ApiProperty({ nullable: true, type: String }) lockedUntil!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastLoginAt!: string | null;
  @ApiProperty() createdAt!: string;
}

export class CreateRoleRequest {
  @ApiProperty({ example: 'atencion_cliente' })
  @Matches(ROLE_NAME)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({ type: [String], example: ['customer.persons.read', 'customer.arco.*'] })
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(PERMISSION, { each: true })
  permissions!: string[];
}

export class UpdateRoleRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(PERMISSION, { each: true })
  permissions?: string[];
}

export class RoleView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String] }) permissions!: string[];
}

export class RetireSigningKeyRequest {
  @ApiPropertyOptional({ default: false, description: 'Retire even if tokens it signed may still be valid (they are refused from then on)' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export class SigningKeyView {
  @ApiProperty() kid!: string;
  @ApiProperty({ enum: ['EdDSA', 'ES256'] }) alg!: string;
  @ApiProperty({ enum: ['active', 'retired'] }) status!: string;
  @ApiProperty({ description: 'Signs new access tokens' }) signing!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) retiredAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) safeToRetireAfter!: string | null;
}
