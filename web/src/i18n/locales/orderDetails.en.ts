import type { orderDetailsZhCN } from './orderDetails.zh-CN';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** Order-event and reconciliation details as sentences and small tables (English); same keys as zh-CN. */
export const orderDetailsEn: Widen<typeof orderDetailsZhCN> = {
  none: '—',
  fields: {
    quantity: 'Quantity',
    side: 'Side',
    orderType: 'Type',
    limitPrice: 'Limit',
    leaseToken: 'Lease token',
    filled: 'Filled',
    remaining: 'Remaining',
    avgFillPrice: 'Average fill price',
    requestedAt: 'Requested at',
    permId: 'permId',
    error: 'IB error',
    execId: 'Execution id',
    shares: 'Shares',
    price: 'Price',
  },
  refusedFinal: 'The order is already final ("{{from}}"); it does not change to "{{to}}"',
  refusedIllegal: '"{{from}}" cannot change to "{{to}}" (not a legal transition)',
  reconcile: {
    nothing: 'Nothing to act on: IB and the local records agree.',
    adopted: 'Orders taken over ({{count}})',
    released: 'Orders released, may be sent again ({{count}})',
    missing: 'Orders IB does not know ({{count}})',
    foreign: 'Foreign orders ({{count}}): not sent by ibloop, left untouched',
    positionDiffs:
      'Position differences ({{count}}): position plus unfilled quantity differs from the target',
    orderId: 'IB order id',
    clientId: 'Client id',
    orderRef: 'Order ref',
    symbol: 'Symbol',
    side: 'Side',
    quantity: 'Quantity',
    status: 'IB status',
    project: 'Project',
    run: 'Run',
    target: 'Target shares',
    position: 'Position',
    openRemaining: 'Unfilled',
    clientOrderId: 'Client order id',
  },
};
