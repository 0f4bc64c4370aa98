import { EventName } from '@stoqey/ib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimGatewayHandle, startSimGateway } from '../../src/sim/index.js';
import { createFakeMarket, createSteppedClock, OPEN_TUESDAY_MS } from './fakes.js';
import { TestClient } from './ib-client.js';
import { RawClient, startedRawClient } from './raw-socket.js';

describe('malformed input closes only the offending connection', () => {
  let sim: SimGatewayHandle;
  let bystander: TestClient;
  const warnings: string[] = [];

  beforeAll(async () => {
    sim = await startSimGateway({
      market: createFakeMarket(),
      clock: createSteppedClock(OPEN_TUESDAY_MS),
      controlPort: null,
      maxFrameBytes: 64 * 1024,
      logger: { info: () => {}, warn: (_fields, message) => warnings.push(message) },
    });
    bystander = new TestClient(sim.port);
    await bystander.connect(1);
  });

  afterAll(async () => {
    bystander.disconnect();
    await sim.close();
  });

  async function bystanderStillServed(): Promise<void> {
    const answer = bystander.next<[number]>(EventName.currentTime);
    bystander.api.reqCurrentTime();
    await answer;
    expect(bystander.api.isConnected).toBe(true);
  }

  const cases: Array<[string, (c: RawClient) => void, boolean]> = [
    ['garbage instead of the API prefix', (c) => c.write('GET / HTTP/1.1\r\n\r\n'), false],
    ['a zero-length frame', (c) => c.write(Buffer.from([0, 0, 0, 0])), true],
    ['an oversize frame', (c) => c.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0x31])), true],
    [
      'a frame that is not NUL-terminated',
      (c) => c.write(Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('49')])),
      true,
    ],
    ['a non-numeric message id', (c) => c.send(['hello', 1]), true],
    ['a wrong field type', (c) => c.send([1, 11, 'not-a-number', 0, 'AAPL', 'STK']), true],
    ['a request with missing fields', (c) => c.send([9, 8]), true],
    [
      'a request before startApi',
      (c) => {
        c.handshake();
        c.send([49, 1]);
      },
      false,
    ],
    ['a garbled version range', (c) => c.handshake('vX..Y'), false],
  ];

  for (const [name, misbehave, afterStart] of cases) {
    it(`survives ${name}`, async () => {
      const before = warnings.length;
      const client = afterStart
        ? await startedRawClient(sim.port, 100 + cases.findIndex((c) => c[0] === name))
        : await RawClient.open(sim.port);
      misbehave(client);
      expect(await client.waitClosed()).toBe(true);
      expect(warnings.slice(before).some((w) => /malformed input/.test(w))).toBe(true);
      await bystanderStillServed();
    });
  }

  it('logs a frame truncated by the client closing mid-message', async () => {
    const before = warnings.length;
    const client = await startedRawClient(sim.port, 150);
    client.write(Buffer.from([0, 0, 0, 50, 0x34, 0x39]));
    await new Promise((r) => setTimeout(r, 30));
    client.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(warnings.slice(before).some((w) => /mid-frame/.test(w))).toBe(true);
    await bystanderStillServed();
  });

  it('accepts a frame split across many TCP writes', async () => {
    const client = await startedRawClient(sim.port, 151);
    const frame = Buffer.from([0, 0, 0, 5, 0x34, 0x39, 0, 0x31, 0]);
    for (const byte of frame) {
      client.write(Buffer.from([byte]));
      await new Promise((r) => setTimeout(r, 2));
    }
    const answer = await client.waitFor((f) => f[0] === '49');
    expect(Number(answer[2])).toBe(Math.floor(OPEN_TUESDAY_MS / 1000));
    client.destroy();
  });
});

describe('sessions', () => {
  let sim: SimGatewayHandle;

  beforeAll(async () => {
    sim = await startSimGateway({
      market: createFakeMarket(),
      clock: createSteppedClock(OPEN_TUESDAY_MS),
      controlPort: null,
      maxMessagesPerSecond: 10,
    });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('negotiates min(client max, server max) and refuses an out-of-reach range', async () => {
    const ok = await RawClient.open(sim.port);
    ok.handshake('v157..178');
    const first = await ok.waitFor(() => true);
    expect(first[0]).toBe('178');
    expect(first[1]).toMatch(/^\d{8} \d{2}:\d{2}:\d{2} \S+$/);
    ok.destroy();

    const tooNew = await RawClient.open(sim.port);
    tooNew.handshake('v194..200');
    expect(await tooNew.waitClosed()).toBe(true);
    expect(tooNew.messages).toHaveLength(0);

    const tooOld = await RawClient.open(sim.port);
    tooOld.handshake('v100..150');
    expect(await tooOld.waitClosed()).toBe(true);
  });

  it('rejects a duplicate client id with 326 and disconnects it, leaving the first session alone', async () => {
    const first = new TestClient(sim.port);
    await first.connect(7);
    const second = await RawClient.open(sim.port);
    second.handshake();
    second.send([71, 2, 7, '']);
    const error = await second.waitFor((f) => f[0] === '4');
    expect(error[3]).toBe('326');
    expect(await second.waitClosed()).toBe(true);
    const answer = first.next<[number]>(EventName.currentTime);
    first.api.reqCurrentTime();
    await answer;
    first.disconnect();
  });

  it('answers a burst above the message rate with error 100', async () => {
    const client = await startedRawClient(sim.port, 8);
    for (let i = 0; i < 15; i++) client.send([49, 1]);
    const error = await client.waitFor((f) => f[0] === '4' && f[3] === '100');
    expect(error[4]).toMatch(/max=10/);
    expect(client.messages.filter((f) => f[0] === '49').length).toBeLessThanOrEqual(10);
    client.destroy();
  });

  it('keeps orders with the client that placed them; client 0 sees all; reconnect gets them back', async () => {
    const owner = new TestClient(sim.port);
    await owner.connect(21);
    const submitted = owner.next<[number, string]>(
      EventName.orderStatus,
      (id, s) => id === 500 && s === 'Submitted',
    );
    owner.api.placeOrder(
      500,
      { symbol: 'AAPL', secType: 'STK' as never, exchange: 'SMART', currency: 'USD' },
      {
        action: 'BUY' as never,
        totalQuantity: 1,
        orderType: 'LMT' as never,
        lmtPrice: 1,
        tif: 'GTC' as never,
        transmit: true,
        orderRef: 'owned',
      },
    );
    await submitted;

    const other = new TestClient(sim.port);
    await other.connect(22);
    const otherOrders = other.collect<[number]>(EventName.openOrder, EventName.openOrderEnd);
    other.api.reqOpenOrders();
    expect(await otherOrders).toHaveLength(0);
    const notFound = other.next<[Error, number, number]>(EventName.error, (_e, code) => code === 10147);
    other.api.cancelOrder(500);
    await notFound;

    const master = new TestClient(sim.port);
    await master.connect(0);
    const masterOrders = master.collect<[number, unknown, { orderRef?: string }]>(
      EventName.openOrder,
      EventName.openOrderEnd,
    );
    master.api.reqOpenOrders();
    expect((await masterOrders).map((o) => o[2].orderRef)).toContain('owned');

    owner.disconnect();
    await new Promise((r) => setTimeout(r, 50));
    const again = new TestClient(sim.port);
    const pushed = again.next<[number, unknown, { orderRef?: string }]>(
      EventName.openOrder,
      (id) => id === 500,
    );
    await again.connect(21);
    expect((await pushed)[2].orderRef).toBe('owned');
    expect(again.nextValidId).toBe(501);
    for (const c of [again, other, master]) {
      expect(c.decoderProblems).toEqual([]);
      c.disconnect();
    }
  });
});

describe('completed-order layout below version 177', () => {
  it('adds faProfile for IB-style decoders (v157..) and leaves it out for @stoqey/ib (v100..)', async () => {
    const sim = await startSimGateway({
      market: createFakeMarket(),
      clock: createSteppedClock(OPEN_TUESDAY_MS),
      controlPort: null,
      maxServerVersion: 176,
    });
    try {
      const placer = await startedRawClient(sim.port, 1, 'v100..193');
      const fields = [
        3,
        1,
        0,
        'AAPL',
        'STK',
        '',
        0,
        '',
        '',
        'SMART',
        '',
        'USD',
        '',
        '',
        '',
        '',
        'BUY',
        5,
        'MKT',
        '',
        '',
        'DAY',
        '',
        '',
        '',
        0,
        'ref',
        1,
        0,
        0,
        0,
        '',
        0,
        0,
      ];
      placer.send(fields);
      await placer.waitFor((f) => f[0] === '3' && f[2] === 'Filled');
      placer.send([99, 0]);
      const stoqeyLayout = await placer.waitFor((f) => f[0] === '101');
      const insync = await startedRawClient(sim.port, 2, 'v157..176');
      insync.send([99, 0]);
      const ibLayout = await insync.waitFor((f) => f[0] === '101');
      expect(ibLayout.length).toBe(stoqeyLayout.length + 1);
      expect(ibLayout.slice(0, 30)).toEqual(stoqeyLayout.slice(0, 30));
      placer.destroy();
      insync.destroy();
    } finally {
      await sim.close();
    }
  });
});
