import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.js';
import { createTestDatabase } from './postgres.js';

export type EngineName = 'sqlite' | 'postgres';
export const ENGINES: EngineName[] = ['sqlite', 'postgres'];

export interface EngineTarget {
  dataRoot: string;
  databaseUrl: string | undefined;
  cleanup(): void;
}

/** A fresh, empty place to store data on the given engine. */
export async function freshTarget(engine: EngineName): Promise<EngineTarget> {
  const dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-test-'));
  const databaseUrl = engine === 'postgres' ? await createTestDatabase(inject('pgAdminUrl')) : undefined;
  return { dataRoot, databaseUrl, cleanup: () => rmSync(dataRoot, { recursive: true, force: true }) };
}

export async function freshStore(engine: EngineName): Promise<{ store: Store; target: EngineTarget }> {
  const target = await freshTarget(engine);
  const store = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
  await migrateToLatest(store);
  return { store, target };
}
