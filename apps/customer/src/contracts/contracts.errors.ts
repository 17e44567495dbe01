import { conflict, notFound, validationFailed } from '@supra/platform/errors';

export const ContractErrors = {
  notFound: (id: string) => notFound('CUSTOMER.CONTRACT_NOT_FOUND', 'Contract', id),
  activeExists: (tomaNumber: string, contractNumber?: string) =>
    conflict('CUSTOMER.CONTRACT_ACTIVE_EXISTS', `Toma ${tomaNumber} already has an active contract${contractNumber ? ` (${contractNumber})` : ''}`, {
      tomaNumber,
      ...(contractNumber ? { contractNumber } : {}),
    }),
  notActive: (n: string, status: string) => conflict('CUSTOMER.CONTRACT_NOT_ACTIVE', `Contract ${n} is ${status}`, { contractNumber: n, status }),
  notSuspended: (n: string, status: string) => conflict('CUSTOMER.CONTRACT_NOT_SUSPENDED', `Contract ${n} is ${status}, not suspended`, { contractNumber: n, status }),
  invalid: (field: string, code: string, message: string) => validationFailed([{ field, code, message }]),
};
