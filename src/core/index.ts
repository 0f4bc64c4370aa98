export { type Clock, isoNow, ManualClock, systemClock } from './clock.js';
export { csvField, toCsv } from './csv.js';
export { ConflictError, InputError, NotFoundError } from './errors.js';
export { seededRandom } from './random.js';
