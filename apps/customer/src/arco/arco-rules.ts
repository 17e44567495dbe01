import type { ArcoStatus } from '@supra/contracts';

/**
 * ARCO request states. The controller first decides (procedente / improcedente, the answer the
 * 20-business-day term is about), then makes a procedente request effective (atendida).
 */
export const ARCO_TRANSITIONS: Record<ArcoStatus, readonly ArcoStatus[]> = {
  recibida: ['en_proceso', 'procedente', 'improcedente'],
  en_proceso: ['procedente', 'improcedente'],
  procedente: ['atendida'],
  improcedente: [],
  atendida: [],
};

export const canMove = (from: ArcoStatus, to: ArcoStatus): boolean => ARCO_TRANSITIONS[from].includes(to);

/** Still waiting for the controller's answer: the legal term applies. */
export const isAwaitingAnswer = (s: ArcoStatus): boolean => s === 'recibida' || s === 'en_proceso';

export const isOverdue = (s: ArcoStatus, dueDate: string, today: string): boolean => isAwaitingAnswer(s) && today > dueDate;
