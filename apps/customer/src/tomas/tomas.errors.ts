import { conflict, notFound, validationFailed, type FieldError } from '@supra/platform/errors';

export const TomaErrors = {
  notFound: (id: string) => notFound('CUSTOMER.TOMA_NOT_FOUND', 'Toma', id),
  numberExists: (n: string) => conflict('CUSTOMER.TOMA_NUMBER_EXISTS', `Toma ${n} already exists`, { tomaNumber: n }),
  invalid: (errors: FieldError[]) => validationFailed(errors),
};
