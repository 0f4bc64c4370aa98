import { type AppContext, openAppContext } from '../../src/app/context.js';
import { loadBootstrapConfig } from '../../src/config/index.js';
import type { Clock } from '../../src/core/clock.js';
import type { EngineTarget } from '../helpers/engines.js';

/** An app context on a test database; `env` sets settings the way an operator would. */
export async function alertContext(
  target: EngineTarget,
  env: Record<string, string> = {},
  clock?: Clock,
): Promise<AppContext> {
  const bootstrap = loadBootstrapConfig({
    env: { ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}), LOG_LEVEL: 'silent', ...env },
    overrides: { DATA_ROOT: target.dataRoot },
  });
  return openAppContext(bootstrap, { ...(clock ? { clock } : {}), logSink: () => {} });
}
