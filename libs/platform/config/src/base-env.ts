// Properties carry explicit types: swc emits design:type from annotations, not from initialisers.
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** Settings every service needs. A service extends this class with its own. */
export class BaseServiceEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/supra';

  @Matches(/^(nats:\/\/)?[^\s]+$/, { message: 'NATS_URL must be a nats:// URL' })
  NATS_URL: string = 'nats://127.0.0.1:4222';

  /** Prefix for every subject and stream name, so test runs and side-by-side stacks never collide. */
  @IsOptional()
  @Matches(/^[a-z0-9_-]*$/, { message: 'SUPRA_NAMESPACE may only contain a-z, 0-9, _ and -' })
  SUPRA_NAMESPACE: string = '';

  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT: number = 0;

  @IsString()
  HTTP_HOST: string = '127.0.0.1';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsInt()
  @Min(1)
  @Max(100)
  DB_POOL_SIZE: number = 10;

  /** Run this service's migrations at boot (the default); set to false when a job runs them. */
  @IsIn(['true', 'false'])
  MIGRATE_ON_BOOT: 'true' | 'false' = 'true';

  @IsOptional()
  @IsString()
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}
