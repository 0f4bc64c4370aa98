import { EventName } from '@stoqey/ib';
import { describe, expect, it } from 'vitest';
import { startStandaloneSim } from '../../src/sim/standalone.js';
import { TestClient } from './ib-client.js';

describe('the gateway on the real synthetic market', () => {
  it('serves contract details, a snapshot and a fill without decoder complaints', async () => {
    const sim = await startStandaloneSim({
      clockMode: 'stepped',
      startMs: Date.UTC(2026, 10, 24, 15),
      controlPort: null,
      seed: 3,
    });
    const client = new TestClient(sim.port);
    try {
      await client.connect(1);
      const symbol = sim.gateway.market.instruments[0]?.symbol ?? 'AAPL';
      const contract = { symbol, secType: 'STK' as never, exchange: 'SMART', currency: 'USD' };
      const details = client.collect<[number, { contract: { conId?: number } }]>(
        EventName.contractDetails,
        EventName.contractDetailsEnd,
      );
      client.api.reqContractDetails(1, contract);
      expect((await details)[0]?.[1].contract.conId).toBe(sim.gateway.market.instrument(symbol)?.conId);
      const snapshot = client.next<[number]>(EventName.tickSnapshotEnd);
      client.api.reqMktData(2, contract, '', true, false);
      await snapshot;
      const filled = client.next<[number, string, number, number, number]>(
        EventName.orderStatus,
        (id, s) => id === 1 && s === 'Filled',
      );
      client.api.placeOrder(1, contract, {
        action: 'BUY' as never,
        totalQuantity: 10,
        orderType: 'MKT' as never,
        tif: 'DAY' as never,
        transmit: true,
      });
      const [, , quantity, , price] = await filled;
      expect(quantity).toBe(10);
      expect(price).toBe(sim.gateway.market.quoteAt(symbol, sim.clock.nowMs())?.ask);
      expect(client.decoderProblems).toEqual([]);
    } finally {
      client.disconnect();
      await sim.close();
    }
  });
});
