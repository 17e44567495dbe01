import type { ValidationError } from 'class-validator';
import type { FieldError } from './domain-error';

/** Flattens class-validator's tree into `{ field: 'a.b[0].c', code, message }` entries. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const err of errors) {
    const field = parent ? (/^\d+$/.test(err.property) ? `${parent}[${err.property}]` : `${parent}.${err.property}`) : err.property;
    for (const [constraint, message] of Object.entries(err.constraints ?? {})) {
      out.push({ field, code: constraint, message });
    }
    if (err.children?.length) out.push(...flattenValidationErrors(err.children, field));
  }
  return out;
}
