import { conflict, notFound } from '@supra/platform/errors';

export const ArcoErrors = {
  notFound: (id: string) => notFound('CUSTOMER.ARCO_REQUEST_NOT_FOUND', 'ARCO request', id),
  transition: (folio: string, from: string, to: string) =>
    conflict('CUSTOMER.ARCO_TRANSITION_INVALID', `ARCO request ${folio} cannot go from ${from} to ${to}`, { folio, from, to }),
};
