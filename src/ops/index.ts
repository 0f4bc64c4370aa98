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
export {
  DEFAULT_THRESHOLDS,
  type DoctorContext,
  type DoctorLanguage,
  type DoctorOptions,
  type DoctorRunOptions,
  type DoctorThresholds,
  doctorFor,
  explainCheck,
  formatDoctorReport,
  runDoctor,
} from './doctor/index.js';
export {
  createMetrics,
  type Metrics,
  type MetricsServer,
  type MetricsSource,
  startMetricsServer,
} from './metrics.js';
export { reconcileDifferences, watchReconciliations } from './reconcile-alerts.js';
export {
  type RestartWindow,
  type RestartWindowConfig,
  type RestartWindowKind,
  type RestartWindows,
  restartWindows,
  restartWindowsFromSettings,
} from './restart-window.js';
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
