import type { INestApplication } from '@nestjs/common';
import { BillingRpc, CustomerRpc, MeteringRpc, validateEventData } from '@supra/contracts';
import type { ServiceDefinition } from '@supra/platform/runtime';
import { createLogger } from '@supra/platform/telemetry';
import { RolesAdminController, SigningKeysAdminController, TenantsAdminController, UsersAdminController } from './admin/admin.controller';
import { AuthController } from './auth/auth.controller';
import { forwardingControllers } from './forwarding/forwarding-controllers';
import type { HttpRpcOperation } from './forwarding/forwarding.service';
import { GatewayEnv } from './gateway.env';
import { GatewayModule } from './gateway.module';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { requestIdMiddleware } from './http/request-id';
import { findUnguardedRoutes, requiredPermissions } from './http/route-inventory';
import { setupSwagger } from './http/swagger';
import { JwksController } from './keys/jwks.controller';
import { Identity1764000000000 } from './migrations/1764000000000-identity';
import { SigningKeyPermission1764900000000 } from './migrations/1764900000000-signing-key-permission';
import type { ServiceDatabase } from '@supra/platform/database';

export { GatewayEnv };

/** The service operations the gateway exposes, straight from libs/contracts. */
export const FORWARDED_OPERATIONS: readonly HttpRpcOperation[] = [...Object.values(CustomerRpc), ...Object.values(MeteringRpc), ...Object.values(BillingRpc)];

/** Adds the permissions the routes require to the global catalogue roles may grant. */
async function syncPermissionCatalogue(app: INestApplication, db: ServiceDatabase): Promise<void> {
  const perms = requiredPermissions(app);
  await db.asSystem((em) =>
    em.query(`INSERT INTO identity.permissions (code, description) SELECT unnest($1::text[]), '' ON CONFLICT (code) DO NOTHING`, [perms]),
  );
}

/**
 * The gateway: operators' REST API (login, tokens, RBAC, admin) over schema `identity`, and the
 * door to every other service by NATS request/reply.
 */
export const gatewayService: ServiceDefinition<GatewayEnv> = {
  service: 'gateway',
  schema: 'identity',
  env: GatewayEnv,
  imports: [GatewayModule],
  controllers: [AuthController, JwksController, TenantsAdminController, UsersAdminController, RolesAdminController, SigningKeysAdminController, ...forwardingControllers(FORWARDED_OPERATIONS)],
  migrations: [Identity1764000000000, SigningKeyPermission1764900000000],
  validateEvent: validateEventData,
  configure: async (app, rt) => {
    const logger = createLogger('gateway', rt.env.LOG_LEVEL);
    const unguarded = findUnguardedRoutes(app);
    if (unguarded.length) {
      throw new Error(`Routes without @RequirePermission/@Authenticated/@Public: ${unguarded.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    }
    const express = app.getHttpAdapter().getInstance() as { set(k: string, v: unknown): void; disable(k: string): void };
    express.set('trust proxy', rt.env.TRUST_PROXY_HOPS);
    express.disable('x-powered-by');
    app.use(requestIdMiddleware(logger));
    app.useGlobalFilters(new ProblemDetailsFilter(logger));
    if (rt.env.SWAGGER_ENABLED === 'true') setupSwagger(app);
    await syncPermissionCatalogue(app, rt.db);
  },
};
