import { conflict, notFound, validationFailed, type FieldError } from '@supra/platform/errors';

export const PersonErrors = {
  notFound: (id: string) => notFound('CUSTOMER.PERSON_NOT_FOUND', 'Person', id),
  rfcExists: (rfc: string) => conflict('CUSTOMER.PERSON_RFC_EXISTS', `A person with RFC ${rfc} already exists`, { rfc }),
  curpExists: (curp: string) => conflict('CUSTOMER.PERSON_CURP_EXISTS', `A person with CURP ${curp} already exists`, { curp }),
  invalid: (errors: FieldError[]) => validationFailed(errors),
};
