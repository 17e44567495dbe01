/** The constraint a PostgreSQL unique violation (23505) names, if the error is one. */
export function uniqueViolation(e: unknown): string | undefined {
  const err = e as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = err?.driverError?.code ?? err?.code;
  if (code !== '23505') return undefined;
  return err?.driverError?.constraint ?? err?.constraint ?? '';
}
