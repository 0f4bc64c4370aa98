import type { TestProject } from 'vitest/node';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

let server: TestPostgres | undefined;

/** One real PostgreSQL server for the whole run; each test file creates its own database on it. */
export default async function setup(project: TestProject) {
  server = await startPostgres();
  project.provide('pgAdminUrl', server.adminUrl);
  return async () => {
    await server?.stop();
  };
}
