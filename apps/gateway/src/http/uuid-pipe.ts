import { ParseUUIDPipe } from '@nestjs/common';
import { validationFailed } from '@supra/platform/errors';

/** Path ids of the gateway's own routes: a malformed one is a 422 with a field error, like a body field. */
export const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () => validationFailed([{ field: 'id', code: 'isUuid', message: 'id must be a UUID' }]),
});
