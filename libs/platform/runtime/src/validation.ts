import { ValidationPipe, type ArgumentsHost, Catch, type ExceptionFilter, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { flattenValidationErrors, validationFailed } from '@supra/platform/errors';

/** class-validator failures become VALIDATION_FAILED (422) with per-field errors, over HTTP and RPC alike. */
export const supraValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });

/** Lets handler errors reach the JetStream strategy as they are, so it can map codes to replies and ack/nak. */
@Catch()
export class PassThroughRpcFilter implements RpcExceptionFilter<unknown>, ExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
