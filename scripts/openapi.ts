/**
 * Writes the API's OpenAPI document (generated from the routes' zod schemas) to docs/openapi.json,
 * so that a change of the API shows in review. `--check` writes nothing and exits 1 when the file is
 * stale. Run: npm run openapi [-- --check]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp } from '../src/server/index.js';

export const OPENAPI_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../docs/openapi.json',
);

/** The document as the server generates it, formatted as it is checked in. */
export async function renderOpenApi(): Promise<string> {
  const dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-openapi-'));
  try {
    const app = await startApp({
      env: { IBLOOP_ADMIN_PASSWORD: 'openapi-generation-only', LOG_LEVEL: 'error' },
      dataRoot,
      host: '127.0.0.1',
      port: 0,
      logSink: () => {},
    });
    try {
      return `${JSON.stringify(app.server.swagger(), null, 2)}\n`;
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataRoot, { recursive: true, force: true });
  }
}

function readCheckedIn(): string | undefined {
  try {
    return readFileSync(OPENAPI_FILE, 'utf8');
  } catch {
    return undefined;
  }
}

async function main(args: readonly string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`error: unknown argument ${unknown[0]} (usage: openapi [--check])\n`);
    return 2;
  }
  const document = await renderOpenApi();
  if (args.includes('--check')) {
    if (readCheckedIn() === document) return 0;
    process.stderr.write(
      `${path.relative(process.cwd(), OPENAPI_FILE)} is stale: run npm run openapi and commit it\n`,
    );
    return 1;
  }
  writeFileSync(OPENAPI_FILE, document);
  process.stdout.write(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}\n`);
  return 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
