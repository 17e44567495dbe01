import { canMove, isOverdue } from './arco-rules';

describe('ARCO request states', () => {
  it('decide before attending, never reopen', () => {
    expect(canMove('recibida', 'procedente')).toBe(true);
    expect(canMove('recibida', 'atendida')).toBe(false);
    expect(canMove('procedente', 'atendida')).toBe(true);
    expect(canMove('atendida', 'en_proceso')).toBe(false);
    expect(canMove('improcedente', 'procedente')).toBe(false);
  });

  it('are overdue only while awaiting an answer after the due date', () => {
    expect(isOverdue('recibida', '2026-11-20', '2026-11-23')).toBe(true);
    expect(isOverdue('en_proceso', '2026-11-23', '2026-11-23')).toBe(false);
    expect(isOverdue('procedente', '2026-11-20', '2026-11-23')).toBe(false);
  });
});
