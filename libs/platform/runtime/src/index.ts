export * from './bootstrap';
export * from './platform.module';
export * from './health.controller';
export * from './public.decorator';
export * from './validation';
export * from './rpc-operation';
