import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { ServiceDatabase } from '@supra/platform/database';
import { SERVICE_ENV } from '@supra/platform/runtime';
import { createLogger } from '@supra/platform/telemetry';
import { AdminService } from './admin/admin.service';
import { AuthService, CLOCK } from './auth/auth.service';
import { SecretBox } from './crypto/secret-box';
import { ForwardingService } from './forwarding/forwarding.service';
import type { GatewayEnv } from './gateway.env';
import { AccessGuard } from './http/access.guard';
import { RedisStore } from './http/redis-store';
import { RolesRepository } from './identity/roles.repository';
import { SessionsRepository } from './identity/sessions.repository';
import { TenantsRepository } from './identity/tenants.repository';
import { UsersRepository } from './identity/users.repository';
import { AccessTokens } from './keys/access-tokens';
import { keyRingFromPem, loadKeyRing, type KeyRing } from './keys/signing-keys';

/** The signing keys in use (a token, so tests can mint tokens with another clock). */
export const KEY_RING = Symbol('KEY_RING');

/** Every instance re-reads the key ring periodically, so a rotation done on one reaches all. */
@Injectable()
class KeyRingRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly tokens: AccessTokens,
    @Inject(SERVICE_ENV) private readonly env: GatewayEnv,
  ) {}
  onApplicationBootstrap(): void {
    if (this.env.JWT_PRIVATE_KEY) return;
    const log = createLogger('gateway', this.env.LOG_LEVEL);
    this.timer = setInterval(() => {
      this.tokens.refresh().catch((e: unknown) => log.warn({ err: e }, 'could not refresh the signing keys; keeping the current ones'));
    }, this.env.SIGNING_KEY_REFRESH_SECONDS * 1000);
    this.timer.unref();
  }
  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(private readonly store: RedisStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

const exported = [
  TenantsRepository,
  UsersRepository,
  RolesRepository,
  SessionsRepository,
  AuthService,
  AdminService,
  ForwardingService,
  AccessTokens,
  RedisStore,
  SecretBox,
  KEY_RING,
  CLOCK,
];

@Module({
  imports: [DiscoveryModule],
  providers: [
    TenantsRepository,
    UsersRepository,
    RolesRepository,
    SessionsRepository,
    AuthService,
    AdminService,
    ForwardingService,
    RedisLifecycle,
    KeyRingRefresher,
    { provide: CLOCK, useValue: () => Date.now() },
    {
      provide: SecretBox,
      inject: [SERVICE_ENV],
      useFactory: (env: GatewayEnv) => {
        const { box, isDevKey } = SecretBox.fromEnv(env.SUPRA_SECRET_KEY, env.NODE_ENV);
        if (isDevKey) createLogger('gateway', env.LOG_LEVEL).warn('SUPRA_SECRET_KEY is not set: using the development key (refused in production)');
        return box;
      },
    },
    {
      provide: KEY_RING,
      inject: [SERVICE_ENV, ServiceDatabase, SecretBox],
      useFactory: (env: GatewayEnv, db: ServiceDatabase, box: SecretBox): Promise<KeyRing> =>
        env.JWT_PRIVATE_KEY ? keyRingFromPem(env.JWT_PRIVATE_KEY, env.JWT_KEY_ID) : loadKeyRing(db, box),
    },
    {
      provide: AccessTokens,
      inject: [KEY_RING, SERVICE_ENV, ServiceDatabase, SecretBox],
      useFactory: (ring: KeyRing, env: GatewayEnv, db: ServiceDatabase, box: SecretBox) =>
        new AccessTokens(ring, {
          issuer: env.JWT_ISSUER,
          audience: env.JWT_AUDIENCE,
          ttlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
          reload: env.JWT_PRIVATE_KEY ? undefined : () => loadKeyRing(db, box),
        }),
    },
    {
      provide: RedisStore,
      inject: [SERVICE_ENV],
      useFactory: async (env: GatewayEnv) => {
        const store = new RedisStore({ url: env.REDIS_URL, prefix: env.SUPRA_NAMESPACE || 'supra', logger: createLogger('gateway', env.LOG_LEVEL) });
        await store.connect();
        return store;
      },
    },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: exported,
})
export class GatewayModule {}
