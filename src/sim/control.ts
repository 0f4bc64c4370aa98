import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Gateway } from './gateway.js';

/**
 * The loopback HTTP control API of the paper gateway: fault injection, the stepped clock and
 * read-only views (order log, state). Bodies are JSON and validated; a bad body gets 400 naming
 * the field.
 */
export const faultSchemas = {
  'drop-all': z.object({}).strict(),
  refuse: z.object({ seconds: z.number().positive().max(3600) }).strict(),
  reset: z
    .object({
      mode: z.enum(['1101', '1102']).default('1102'),
      downSeconds: z.number().min(0).max(3600).default(5),
    })
    .strict(),
  silence: z.object({ seconds: z.number().positive().max(3600) }).strict(),
  'reject-next': z.object({ count: z.number().int().min(0).max(1_000_000).default(1) }).strict(),
  'drop-order': z.object({ count: z.number().int().min(0).max(1_000_000).default(1) }).strict(),
  'ack-delay': z.object({ ms: z.number().int().min(0).max(600_000) }).strict(),
  'stop-data': z.object({ symbol: z.string().min(1), resume: z.boolean().default(false) }).strict(),
  pacing: z.object({ count: z.number().int().min(0).max(1_000_000).default(1) }).strict(),
  /** Moves prices by pct from now on: one symbol or all; `reset` takes every shock back. */
  shock: z
    .object({
      symbol: z.string().trim().min(1).max(20).optional(),
      all: z.boolean().optional(),
      pct: z.number().gt(-100, 'must be above -100').max(1000, 'must be at most 1000').optional(),
      reset: z.boolean().optional(),
    })
    .strict()
    .superRefine((b, ctx) => {
      if (b.reset) return;
      if ((b.symbol === undefined) === (b.all !== true)) {
        ctx.addIssue({ code: 'custom', path: ['symbol'], message: 'give either symbol or all' });
      }
      if (b.pct === undefined || b.pct === 0) {
        ctx.addIssue({ code: 'custom', path: ['pct'], message: 'give a non-zero percentage' });
      }
    }),
  /**
   * Test-only: keep orders on a symbol out at the broker. Each fills at most `fill` shares, then keeps
   * working; a cancel is answered PendingCancel and done only at `resume` (the release).
   */
  'hold-order': z
    .object({
      symbol: z.string().trim().min(1).max(20),
      fill: z.number().int().min(0).max(1_000_000_000).default(0),
      resume: z.boolean().default(false),
    })
    .strict(),
  clear: z.object({}).strict(),
} as const;

export type FaultName = keyof typeof faultSchemas;
export type FaultBody<N extends FaultName> = z.infer<(typeof faultSchemas)[N]>;

export const clockAdvanceSchema = z
  .object({
    ms: z
      .number()
      .int()
      .positive()
      .max(10 * 366 * 86_400_000),
  })
  .strict();
export const clockSpeedSchema = z.object({ multiplier: z.number().positive().max(1_000_000) }).strict();

/** Applies one validated fault; shared by the HTTP API and the in-process API. */
export async function applyFault(gateway: Gateway, name: FaultName, body: unknown): Promise<object> {
  switch (name) {
    case 'drop-all':
      faultSchemas['drop-all'].parse(body);
      return { dropped: gateway.dropAll() };
    case 'refuse': {
      const { seconds } = faultSchemas.refuse.parse(body);
      await gateway.refuse(seconds);
      return { refusingSeconds: seconds };
    }
    case 'reset': {
      const { mode, downSeconds } = faultSchemas.reset.parse(body);
      gateway.reset(mode, downSeconds);
      return { mode, downSeconds };
    }
    case 'silence': {
      const { seconds } = faultSchemas.silence.parse(body);
      gateway.silenceAll(seconds);
      return { silentSeconds: seconds };
    }
    case 'reject-next': {
      const { count } = faultSchemas['reject-next'].parse(body);
      gateway.faults.rejectNext = count;
      return { rejectNext: count };
    }
    case 'drop-order': {
      const { count } = faultSchemas['drop-order'].parse(body);
      gateway.faults.dropOrders = count;
      return { dropOrders: count };
    }
    case 'ack-delay': {
      const { ms } = faultSchemas['ack-delay'].parse(body);
      gateway.faults.ackDelayMs = ms;
      return { ackDelayMs: ms };
    }
    case 'stop-data': {
      const { symbol, resume } = faultSchemas['stop-data'].parse(body);
      const upper = symbol.toUpperCase();
      if (resume) gateway.faults.stoppedSymbols.delete(upper);
      else gateway.faults.stoppedSymbols.add(upper);
      return { stoppedSymbols: [...gateway.faults.stoppedSymbols] };
    }
    case 'pacing': {
      const { count } = faultSchemas.pacing.parse(body);
      gateway.faults.forcedPacing = count;
      return { forcedPacing: count };
    }
    case 'shock': {
      const { symbol, pct, reset } = faultSchemas.shock.parse(body);
      if (reset) gateway.market.reset();
      else {
        const upper = symbol?.toUpperCase() ?? null;
        if (upper !== null && !gateway.market.instrument(upper)) {
          throw new BadRequest('symbol', `unknown symbol ${upper}`);
        }
        gateway.market.shock(upper, pct ?? 0, gateway.clock.nowMs());
      }
      // Account values follow the market at once; push PnL now rather than at the next timer.
      gateway.accounts.onPnlTimer();
      return { shocks: gateway.market.list() };
    }
    case 'hold-order': {
      const { symbol, fill, resume } = faultSchemas['hold-order'].parse(body);
      const upper = symbol.toUpperCase();
      if (!gateway.market.instrument(upper)) throw new BadRequest('symbol', `unknown symbol ${upper}`);
      if (resume) gateway.releaseOrders(upper);
      else gateway.holdOrders(upper, fill);
      return {
        heldSymbols: Object.fromEntries(gateway.faults.heldSymbols),
        pendingCancels: [...gateway.faults.pendingCancels],
      };
    }
    case 'clear':
      faultSchemas.clear.parse(body);
      gateway.clearFaults();
      return { cleared: true };
  }
}

function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(faultSchemas, name);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const MAX_BODY_BYTES = 64 * 1024;

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BadRequest('body', 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new BadRequest('body', 'body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

class BadRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

async function route(gateway: Gateway, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '');
  if (req.method === 'GET' && path === '/orders/log') return send(res, 200, { orders: gateway.orderLog() });
  if (req.method === 'GET' && path === '/state') return send(res, 200, gateway.summary());
  if (req.method === 'GET' && path === '/health') {
    // Lets a client tell the built-in paper gateway from a real IB Gateway on the same port.
    return send(res, 200, {
      ok: true,
      gateway: 'ibloop-sim',
      port: gateway.port,
      account: gateway.config.account,
    });
  }
  if (req.method !== 'POST') return send(res, 404, { error: 'not found' });
  const body = await readBody(req);
  if (path === '/clock/advance') {
    const { ms } = clockAdvanceSchema.parse(body);
    gateway.clock.advance(ms);
    return send(res, 200, { nowMs: gateway.clock.nowMs() });
  }
  if (path === '/clock/speed') {
    const { multiplier } = clockSpeedSchema.parse(body);
    try {
      gateway.clock.setSpeed(multiplier);
    } catch (error) {
      // The clock refuses speeds outside accelerated mode.
      return send(res, 409, {
        error: error instanceof Error ? error.message : String(error),
        field: 'multiplier',
      });
    }
    return send(res, 200, { speed: multiplier });
  }
  const fault = /^\/faults\/([a-z-]+)$/.exec(path)?.[1];
  if (fault && isFaultName(fault)) return send(res, 200, await applyFault(gateway, fault, body));
  return send(res, 404, { error: 'not found' });
}

export function startControlServer(gateway: Gateway, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    route(gateway, req, res).catch((error: unknown) => {
      if (error instanceof z.ZodError) {
        const issue = error.issues[0];
        const field =
          issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(',') : 'body');
        return send(res, 400, { error: `invalid ${field}: ${issue?.message ?? 'invalid'}`, field });
      }
      if (error instanceof BadRequest) return send(res, 400, { error: error.message, field: error.field });
      send(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
