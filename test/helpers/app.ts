import { type RunningApp, type StartOptions, startApp } from '../../src/server/index.js';
import { checkResponse } from './contract-check.js';
import { type EngineName, type EngineTarget, freshTarget } from './engines.js';

export const TEST_ADMIN_PASSWORD = 'correct-horse-battery';

export interface TestApp {
  app: RunningApp;
  target: EngineTarget;
  /** Every log line the server wrote. */
  logs: string[];
  close(): Promise<void>;
}

export async function startTestApp(
  engine: EngineName = 'sqlite',
  options: Partial<StartOptions> & { env?: Record<string, string> } = {},
): Promise<TestApp> {
  const target = await freshTarget(engine);
  const logs: string[] = [];
  const env: Record<string, string> = {
    IBLOOP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    LOG_LEVEL: 'info',
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    ...options.env,
  };
  const app = await startApp({
    ...options,
    env,
    dataRoot: target.dataRoot,
    host: '127.0.0.1',
    port: 0,
    logSink: (line) => logs.push(line),
  });
  return {
    app,
    target,
    logs,
    close: async () => {
      await app.close();
      target.cleanup();
    },
  };
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** A minimal browser-like HTTP client: keeps the session cookie and sends the CSRF token. */
export class ApiClient {
  private cookie: string | undefined;
  csrfToken: string | undefined;
  /** Every response body seen, for secret scanning. */
  readonly transcript: string[] = [];

  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options: { rawBody?: string; headers?: Record<string, string>; csrf?: boolean } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (options.csrf !== false && this.csrfToken && method !== 'GET')
      headers['x-csrf-token'] = this.csrfToken;
    let payload: string | undefined;
    if (options.rawBody !== undefined) {
      payload = options.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const first = setCookie.split(';')[0]!;
      this.cookie = first.endsWith('=') ? undefined : first;
    }
    const text = await response.text();
    this.transcript.push(`${setCookie ?? ''}\n${text}`);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON; keep text
    }
    checkResponse(this.baseUrl, method, path, response.status, response.headers.get('content-type'), parsed);
    return { status: response.status, body: parsed as T, text, headers: response.headers };
  }

  async login(
    username = 'admin',
    password = TEST_ADMIN_PASSWORD,
  ): Promise<ApiResponse<{ csrfToken: string }>> {
    const response = await this.request<{ csrfToken: string }>('POST', '/api/auth/login', {
      username,
      password,
    });
    if (response.status === 200) this.csrfToken = response.body.csrfToken;
    return response;
  }
}
