export {
  type MigrationReport,
  migrateToLatest,
  openStore,
  pendingMigrations,
  SQLITE_FILE_NAME,
  type Store,
  type StoreOptions,
} from './connect.js';
export { type Engine, engineOf } from './engine.js';
export type * from './schema.js';
