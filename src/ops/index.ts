export {
  BACKUP_DIR_NAME,
  BackupError,
  type BackupResult,
  backupDatabase,
  backupFileName,
  findPgTool,
  prune,
  type RestoreResult,
  restoreDatabase,
  type StoreTarget,
} from './backup.js';
export { formatStatus, type StatusResult, serviceStatus, type UnitStatus } from './status.js';
export {
  DEFAULT_BACKUP_KEEP,
  type PlannedFile,
  type PlanOptions,
  planService,
  renderService,
  ServicePathError,
  type ServicePathInput,
  type ServicePlan,
  serviceInstructions,
  UNIT_NAMES,
  writeServiceFiles,
} from './units.js';
