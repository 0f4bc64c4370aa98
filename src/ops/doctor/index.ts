export { DEFAULT_THRESHOLDS, type DoctorOptions, type DoctorThresholds, runDoctor } from './checks.js';
export { type DoctorContext, type DoctorRunOptions, doctorFor } from './context.js';
export { type DoctorLanguage, explainCheck, formatDoctorReport } from './render.js';
