/**
 * The Live Trading browser test's server: the shared harness's server (no trading side), or one that
 * also runs the trading side against the built-in paper gateway, so the connected page is checked too.
 */
import { startTestServer, type TestServer } from './harness.js';

export function startLiveTestServer(withTrading: boolean): Promise<TestServer> {
  if (!withTrading) return startTestServer();
  return startTestServer({ label: 'live', trading: { enabled: true, builtInGateway: 'auto' } });
}
