export { type CsvLineError, parseThemeCsv, ThemeCsvError, themeCsv } from './csv.js';
export {
  SYMBOL_PATTERN,
  symbolSchema,
  THEME_KINDS,
  type ThemeInput,
  type ThemeKind,
  type ThemeMember,
  type ThemePatch,
  themeInputSchema,
  themeMemberSchema,
  themePatchSchema,
} from './schemas.js';
export { type Theme, ThemeService, type ThemeSummary } from './themes.js';
