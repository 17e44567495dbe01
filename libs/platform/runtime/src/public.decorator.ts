import { SetMetadata } from '@nestjs/common';

/** Marks an HTTP route as open (health, metrics, login, JWKS). Every other route needs a permission. */
export const IS_PUBLIC = 'supra:public';
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
