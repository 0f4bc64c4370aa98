import type { BrokerOrderStatus } from '../brokerage/index.js';

/** Our order states. NEW = intent persisted, not yet acknowledged by the broker. */
export const ORDER_STATES = ['NEW', 'SUBMITTED', 'PARTIAL', 'FILLED', 'CANCELED', 'REJECTED'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<OrderState> = new Set(['FILLED', 'CANCELED', 'REJECTED']);

/** States of an order that may still fill: what a cancel, a wait or a sizing must account for. */
export const OPEN_STATES: readonly OrderState[] = ORDER_STATES.filter((state) => !TERMINAL_STATES.has(state));

export function isTerminal(state: OrderState): boolean {
  return TERMINAL_STATES.has(state);
}

const ALLOWED: Record<OrderState, readonly OrderState[]> = {
  // Any first answer may be terminal already (a fast fill, a rejection, or a missed message).
  NEW: ['SUBMITTED', 'PARTIAL', 'FILLED', 'CANCELED', 'REJECTED'],
  SUBMITTED: ['PARTIAL', 'FILLED', 'CANCELED', 'REJECTED'],
  // A partly filled order can no longer be rejected as a whole: IB cancels its remainder instead.
  PARTIAL: ['FILLED', 'CANCELED'],
  FILLED: [],
  CANCELED: [],
  REJECTED: [],
};

export function canTransition(from: OrderState, to: OrderState): boolean {
  return ALLOWED[from].includes(to);
}

/**
 * IB's status strings mapped explicitly. `filled` decides between SUBMITTED and PARTIAL for
 * working orders, and between REJECTED and CANCELED for an order that ended Inactive.
 * Returns null when the status says nothing about our state (PendingCancel: the cancel is not done
 * yet; the order still works and can still fill).
 */
export function mapBrokerStatus(status: BrokerOrderStatus, filled: number): OrderState | null {
  switch (status) {
    case 'ApiPending':
    case 'PendingSubmit':
    case 'PreSubmitted':
    case 'Submitted':
      return filled > 0 ? 'PARTIAL' : 'SUBMITTED';
    case 'PendingCancel':
      return filled > 0 ? 'PARTIAL' : null;
    case 'Filled':
      return 'FILLED';
    case 'Cancelled':
    case 'ApiCancelled':
      return 'CANCELED';
    case 'Inactive':
      // IB: "received but no longer active because it was rejected or cancelled".
      return filled > 0 ? 'CANCELED' : 'REJECTED';
  }
}

export type TransitionOutcome =
  | { kind: 'unchanged' }
  | { kind: 'applied'; from: OrderState; to: OrderState }
  | { kind: 'refused'; from: OrderState; to: OrderState; reason: string };

/** Decides what a message means for an order in `current`; same-state messages change nothing. */
export function decideTransition(current: OrderState, next: OrderState | null): TransitionOutcome {
  if (next === null || next === current) return { kind: 'unchanged' };
  if (canTransition(current, next)) return { kind: 'applied', from: current, to: next };
  return {
    kind: 'refused',
    from: current,
    to: next,
    reason: isTerminal(current) ? `${current} is final` : `${current} -> ${next} is not a legal transition`,
  };
}

/** IB error codes that end an order (keyed by its order id). */
export function stateForOrderError(code: number, filled: number): OrderState | null {
  if (code === 201 || code === 203 || code === 110 || code === 103 || code === 200) {
    return filled > 0 ? 'CANCELED' : 'REJECTED';
  }
  if (code === 202) return 'CANCELED';
  return null;
}
