/** The weekly schedule: fire times from the exchange calendar, catch-up and MISSED, pause and resume. */
export {
  type ScheduleDeps,
  Scheduler,
  type SchedulerOptions,
  type ScheduleView,
  scheduleView,
  setSchedulePaused,
} from './scheduler.js';
