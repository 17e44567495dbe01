// Properties carry explicit types: swc emits design:type from annotations, not from initialisers.
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { BaseServiceEnv } from '@supra/platform/config';

export class GatewayEnv extends BaseServiceEnv {
  @IsInt()
  @Min(0)
  @Max(65535)
  override HTTP_PORT: number = 3000;

  /** 32 bytes, hex or base64: encrypts signing keys and TOTP secrets at rest. Required in production. */
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, { message: 'SUPRA_SECRET_KEY must be 32 bytes as 64 hex characters or base64' })
  SUPRA_SECRET_KEY?: string;

  /** Optional PEM (PKCS#8, Ed25519 or P-256) signing key; when unset a key is generated and stored sealed. */
  @IsOptional()
  @IsString()
  JWT_PRIVATE_KEY?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/)
  JWT_KEY_ID?: string;

  @IsString()
  JWT_ISSUER: string = 'https://supra.local/gateway';

  @IsString()
  JWT_AUDIENCE: string = 'supra-api';

  @IsInt()
  @Min(30)
  @Max(3600)
  ACCESS_TOKEN_TTL_SECONDS: number = 600;

  @IsInt()
  @Min(300)
  REFRESH_TOKEN_TTL_SECONDS: number = 7 * 24 * 3600;

  /** How often each instance re-reads the stored signing keys, so a rotation reaches every instance. */
  @IsInt()
  @Min(5)
  @Max(3600)
  SIGNING_KEY_REFRESH_SECONDS: number = 60;

  /** Token issued to an admin who must enrol TOTP first: enough to scan a QR code. */
  @IsInt()
  @Min(60)
  @Max(3600)
  TOTP_SETUP_TOKEN_TTL_SECONDS: number = 600;

  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES: number = 5;

  @IsInt()
  @Min(1)
  LOGIN_LOCK_MINUTES: number = 15;

  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  @IsInt()
  @Min(1000)
  RATE_LIMIT_WINDOW_MS: number = 60_000;

  /** Requests per window from one client IP (all routes, signed in or not). */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_IP: number = 600;

  /** Requests per window for one signed-in user. */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_USER: number = 300;

  /** Timeout of a forwarded request to a service. */
  @IsInt()
  @Min(100)
  RPC_TIMEOUT_MS: number = 10_000;

  /** Trust X-Forwarded-For from this many proxies in front (Express `trust proxy`). */
  @IsInt()
  @Min(0)
  TRUST_PROXY_HOPS: number = 0;

  @IsIn(['true', 'false'])
  SWAGGER_ENABLED: 'true' | 'false' = 'true';
}
