import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { RpcPermissionGuard } from './permission';

@Global()
@Module({ providers: [Clock, RpcPermissionGuard], exports: [Clock, RpcPermissionGuard] })
export class CustomerSharedModule {}
