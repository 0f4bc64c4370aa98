import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Resources } from './locales/zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

const STORAGE_KEY = 'ibloop.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function storedLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return isLanguage(stored) ? stored : DEFAULT_LANGUAGE;
  } catch {
    // Storage can be disabled (privacy modes); the default language still works.
    return DEFAULT_LANGUAGE;
  }
}

/** Language-dependent state outside React: the page's lang attribute and the date library's locale. */
function applyDocumentLanguage(language: Language): void {
  document.documentElement.lang = language;
  dayjs.locale(language === 'zh-CN' ? 'zh-cn' : 'en');
}

/**
 * Each language's texts are their own chunk: the first page load fetches only the language it shows
 * (the other one loads when the user switches to it).
 */
const LOADERS: Record<Language, () => Promise<{ default: Resources }>> = {
  'zh-CN': () => import('./locales/zh-CN'),
  en: () => import('./locales/en'),
};

export const i18n = i18next.createInstance();

async function ensureLoaded(language: Language): Promise<void> {
  if (i18n.hasResourceBundle(language, 'translation')) return;
  i18n.addResourceBundle(language, 'translation', (await LOADERS[language]()).default);
}

/** Resolves once the stored language's texts are in; the app renders after it (main.tsx). */
export const i18nReady: Promise<void> = (async () => {
  const language = storedLanguage();
  await i18n.use(initReactI18next).init({
    resources: { [language]: { translation: (await LOADERS[language]()).default } },
    lng: language,
    // Every language has every key (the locale types and tests enforce it): nothing to fall back to.
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    // React escapes rendered strings already.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  applyDocumentLanguage(currentLanguage());
})();

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : DEFAULT_LANGUAGE;
}

export async function changeLanguage(language: Language): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not persisted, but the switch still applies to this tab.
  }
  await ensureLoaded(language);
  await i18n.changeLanguage(language);
  applyDocumentLanguage(language);
}
