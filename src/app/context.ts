import { type AuditLog, openAuditLog } from '../audit/index.js';
import {
  type BootstrapConfig,
  bootstrapSecretEnv,
  type KeySource,
  loadSecretBox,
  maskSecret,
  SettingsService,
} from '../config/index.js';
import { type Clock, systemClock } from '../core/clock.js';
import { createLogger, type Logger, SecretScrubber } from '../core/logger.js';
import { JobRunner } from '../jobs/index.js';
import { ProjectService } from '../projects/index.js';
import { ResearchService } from '../research/index.js';
import { migrateToLatest, openStore, type Store } from '../store/index.js';
import { ThemeService } from '../universe/index.js';

/** Everything a command or the server needs, wired once. */
export interface AppContext {
  bootstrap: BootstrapConfig;
  clock: Clock;
  store: Store;
  audit: AuditLog;
  settings: SettingsService;
  themes: ThemeService;
  projects: ProjectService;
  /** Long research work (imports, training, backtests) as recorded jobs. */
  jobs: JobRunner;
  research: ResearchService;
  logger: Logger;
  scrubber: SecretScrubber;
  keySource: KeySource['origin'];
  close(): Promise<void>;
}

export interface AppContextOptions {
  clock?: Clock;
  /** Apply pending migrations (the server and `db migrate` do; read-only commands too, so a fresh data root works). */
  migrate?: boolean;
  logSink?: (line: string) => void;
}

export async function openAppContext(
  bootstrap: BootstrapConfig,
  options: AppContextOptions = {},
): Promise<AppContext> {
  const clock = options.clock ?? systemClock;
  const scrubber = new SecretScrubber(maskSecret);
  const logger = createLogger({
    level: bootstrap.logLevel,
    scrubber,
    ...(options.logSink ? { sink: options.logSink } : {}),
  });
  const { box, origin } = loadSecretBox(bootstrap.env.IBLOOP_SECRET_KEY, bootstrap.dataRoot);
  const store = openStore({ databaseUrl: bootstrap.databaseUrl, dataRoot: bootstrap.dataRoot });
  try {
    if (options.migrate !== false) await migrateToLatest(store);
    const audit = openAuditLog(store.db, clock, {
      dataRoot: bootstrap.dataRoot,
      envKey: bootstrap.env.IBLOOP_AUDIT_KEY,
      onCheckpointError: (error) => logger.error({ err: error }, 'could not write the audit checkpoint'),
    });
    const settings = new SettingsService({ db: store.db, box, audit, bootstrap, clock });
    const themes = new ThemeService(store.db, audit, clock);
    const projects = new ProjectService(store.db, themes, audit, clock);
    const jobs = new JobRunner({ db: store.db, audit, clock, logger });
    const research = new ResearchService({
      db: store.db,
      dataRoot: bootstrap.dataRoot,
      clock,
      jobs,
      projects,
      themes,
      settings,
      logger,
    });
    const refreshSecrets = async () => {
      const envSecrets = bootstrapSecretEnv.map((k) => bootstrap.env[k]).filter((v): v is string => !!v);
      const dbPassword = bootstrap.databaseUrl ? passwordOf(bootstrap.databaseUrl) : undefined;
      scrubber.setSecrets([
        ...(await settings.secretValues()),
        ...envSecrets,
        ...(dbPassword ? [dbPassword] : []),
      ]);
    };
    await refreshSecrets();
    settings.onChange(() => {
      refreshSecrets().catch((error: unknown) =>
        logger.error({ err: error }, 'could not refresh secret list'),
      );
    });
    return {
      bootstrap,
      clock,
      store,
      audit,
      settings,
      themes,
      projects,
      jobs,
      research,
      logger,
      scrubber,
      keySource: origin,
      close: async () => {
        // Let running jobs finish their database writes before the connection goes.
        await jobs.idle();
        await audit.flush();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
