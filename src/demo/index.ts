export {
  DEMO_DEFAULT_SEED,
  DEMO_PROJECT_NAME,
  DEMO_SYMBOL_COUNT,
  DEMO_THEME_NAME,
  DEMO_YEARS,
  type DemoOptions,
  type DemoReport,
  demoInstruments,
  demoProjectParams,
  seedDemo,
} from './seed.js';
export {
  checkWeek,
  demoWeeksStartMs,
  runWeeks,
  type WeekResult,
  type WeeksOptions,
  type WeeksResult,
  type WeeksTrading,
} from './weeks.js';
