import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { RpcPermissionGuard } from '@supra/platform/runtime';

@Global()
@Module({ providers: [Clock, RpcPermissionGuard], exports: [Clock, RpcPermissionGuard] })
export class CustomerSharedModule {}
