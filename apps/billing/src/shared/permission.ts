import { applyDecorators, type CanActivate, Injectable, SetMetadata, UseGuards, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import type { BillingHttpOperation } from '@supra/contracts';
import { CommonErrors } from '@supra/platform/errors';
import { assertPermission, TenantContext } from '@supra/platform/tenancy';

const REQUIRED_PERMISSION = 'billing:permission';

/** Checks again, inside the service, the permission the gateway enforced (agents and services use the same door). */
@Injectable()
export class RpcPermissionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.get<string | undefined>(REQUIRED_PERMISSION, context.getHandler());
    if (!required) return true;
    const ctx = TenantContext.current();
    if (!ctx?.tenantId) throw CommonErrors.tenantRequired();
    assertPermission(ctx.permissions ?? [], required);
    return true;
  }
}

/** Answers `rpc.billing.<operation>` and requires the operation's permission. */
export const BillingOperation = (op: BillingHttpOperation): MethodDecorator =>
  applyDecorators(MessagePattern(op.operation), SetMetadata(REQUIRED_PERMISSION, op.permission), UseGuards(RpcPermissionGuard));
