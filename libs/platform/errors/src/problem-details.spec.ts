import { DomainError, toProblemDetails, validationFailed } from './index';

describe('toProblemDetails', () => {
  it('maps a domain error to RFC 9457 with its stable code', () => {
    const p = toProblemDetails(
      new DomainError('CUSTOMER.CONTRACT_ACTIVE_EXISTS', 'Toma T-1 already has an active contract', { status: 409 }),
      '/demo/v1/contracts',
      'req-1',
    );
    expect(p).toEqual({
      type: 'https://supra.dev/problems/customer-contract-active-exists',
      title: 'Conflict',
      status: 409,
      detail: 'Toma T-1 already has an active contract',
      code: 'CUSTOMER.CONTRACT_ACTIVE_EXISTS',
      instance: '/demo/v1/contracts',
      requestId: 'req-1',
    });
  });

  it('keeps per-field errors of a validation failure', () => {
    const p = toProblemDetails(validationFailed([{ field: 'rfc', code: 'RFC_CHECK_DIGIT', message: 'bad digit' }]));
    expect(p.status).toBe(422);
    expect(p.errors).toEqual([{ field: 'rfc', code: 'RFC_CHECK_DIGIT', message: 'bad digit' }]);
  });

  it('hides unknown errors behind a 500 without leaking their message', () => {
    const p = toProblemDetails(new Error('password=secret in SQL'));
    expect(p.status).toBe(500);
    expect(p.code).toBe('INTERNAL');
    expect(JSON.stringify(p)).not.toContain('secret');
  });
});
