import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerApiDocs } from '../../src/server/api-docs.js';
import { ApiClient } from '../helpers/app.js';
import { ContractViolation, droppedFields, undeclaredFields } from '../helpers/contract-check.js';

const Item = z.object({ symbol: z.string() });
const Answer = z.object({ count: z.number(), items: z.array(Item), extra: z.record(z.string(), z.number()) });

/**
 * The serializer drops what a response schema does not name, so the client alone can never see a
 * forgotten field: the suite's hook compares the handler's payload with what the schema keeps.
 */
describe('a field the response schema forgets fails the test', () => {
  let app: FastifyInstance;
  let api: ApiClient;

  beforeAll(async () => {
    // The same pieces the real server uses: zod compilers and the docs plugin's hooks.
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await registerApiDocs(app);
    const typed = app.withTypeProvider<ZodTypeProvider>();
    const schema = { response: { 200: Answer } };
    // Handlers typed loosely on purpose: the type provider would refuse the extra fields at compile time.
    const send = (payload: unknown) => async () => payload as z.infer<typeof Answer>;
    typed.get('/api/probe/exact', { schema }, send({ count: 1, items: [{ symbol: 'A' }], extra: { x: 1 } }));
    typed.get('/api/probe/top', { schema }, send({ count: 1, items: [], extra: {}, forgotten: true }));
    typed.get(
      '/api/probe/nested',
      { schema },
      send({ count: 2, items: [{ symbol: 'A' }, { symbol: 'B', sector: 'Energy' }], extra: {} }),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    api = new ApiClient(`http://127.0.0.1:${address.port}`);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('passes an answer whose fields are all declared (records keep their keys)', async () => {
    const answer = await api.request('GET', '/api/probe/exact');
    expect(answer.body).toEqual({ count: 1, items: [{ symbol: 'A' }], extra: { x: 1 } });
  });

  it('fails on a top-level field the schema does not name, though the client never received it', async () => {
    await expect(api.request('GET', '/api/probe/top')).rejects.toThrow(ContractViolation);
    await expect(api.request('GET', '/api/probe/top?again=1')).rejects.toThrow(/forgotten/);
  });

  it('names a nested field by its path', async () => {
    await expect(api.request('GET', '/api/probe/nested')).rejects.toThrow(/items\[1\]\.sector/);
  });

  it('compares by JSON: undefined fields and dates are what the wire carries', () => {
    expect(undeclaredFields({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 2 } })).toEqual(['b.d']);
    expect(
      droppedFields(z.object({ at: z.string().optional() }), { at: undefined, gone: undefined }),
    ).toEqual([]);
    expect(droppedFields(z.object({ at: z.date() }), { at: new Date(0) })).toEqual([]);
  });
});
