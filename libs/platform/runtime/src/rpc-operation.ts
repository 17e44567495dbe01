import { applyDecorators, type CanActivate, Injectable, SetMetadata, UseGuards, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { CommonErrors } from '@supra/platform/errors';
import { assertPermission, TenantContext } from '@supra/platform/tenancy';

const REQUIRED_PERMISSION = 'supra:rpc-permission';

/**
 * Checks again, inside the service, the permission the gateway already enforced: another service
 * or an agent calling over NATS goes through the same door (defence in depth).
 */
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

/** Answers `rpc.<service>.<operation>` and requires the operation's permission. */
export const RpcOperation = (op: { operation: string; permission: string }): MethodDecorator =>
  applyDecorators(MessagePattern(op.operation), SetMetadata(REQUIRED_PERMISSION, op.permission), UseGuards(RpcPermissionGuard));
