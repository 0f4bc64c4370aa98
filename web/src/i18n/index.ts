import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { PagesResources, ShellResources } from './locales/zh-CN';

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
 * Each language's texts come in two chunks (see locales/zh-CN.ts): the shell, which the first render
 * waits for, and the pages part, which loads right after it and which the other pages' routes wait
 * for (`pageTextsReady`). Only the language shown is fetched; the other one loads when the user
 * switches to it.
 */
const LOADERS: Record<
  Language,
  { shell: () => Promise<{ default: ShellResources }>; pages: () => Promise<{ default: PagesResources }> }
> = {
  'zh-CN': { shell: () => import('./locales/zh-CN'), pages: () => import('./locales/zh-CN.pages') },
  en: { shell: () => import('./locales/en'), pages: () => import('./locales/en.pages') },
};
type TextsPart = keyof (typeof LOADERS)[Language];

export const i18n = i18next.createInstance();

type Texts = ShellResources | PagesResources;

/** One fetch per language and part, shared by everyone waiting for it; a failed one is tried again next time. */
const fetches = new Map<string, Promise<Texts>>();
const added = new Set<string>();

function fetchTexts(language: Language, part: TextsPart): Promise<Texts> {
  const key = `${language}:${part}`;
  let fetched = fetches.get(key);
  if (!fetched) {
    fetched = LOADERS[language][part]().then((module) => module.default);
    fetched.catch(() => fetches.delete(key));
    fetches.set(key, fetched);
  }
  return fetched;
}

async function loadTexts(language: Language, part: TextsPart): Promise<void> {
  const texts = await fetchTexts(language, part);
  const key = `${language}:${part}`;
  if (added.has(key)) return;
  added.add(key);
  // Deep: both parts fill the one `translation` namespace (`themes` has keys in each).
  i18n.addResourceBundle(language, 'translation', texts, true, false);
}

/**
 * Resolves once the stored language's shell texts are in; the app renders after it (main.tsx). The
 * pages part starts loading then, without holding up the first render.
 */
export const i18nReady: Promise<void> = (async () => {
  const language = storedLanguage();
  await i18n.use(initReactI18next).init({
    resources: { [language]: { translation: await fetchTexts(language, 'shell') } },
    lng: language,
    // Every language has every key (the locale types and tests enforce it): nothing to fall back to.
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    // React escapes rendered strings already.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  added.add(`${language}:shell`);
  applyDocumentLanguage(currentLanguage());
  // Not awaited; a failure is not fatal either: the first page that needs the part fetches it again.
  loadTexts(language, 'pages').catch(() => undefined);
})();

/**
 * Resolves once the texts of every page are in for the language shown: each route but login and
 * Projects waits for it before it renders, so no page ever shows a raw key.
 */
export function pageTextsReady(): Promise<void> {
  return loadTexts(currentLanguage(), 'pages');
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : DEFAULT_LANGUAGE;
}

export async function changeLanguage(language: Language): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not persisted, but the switch still applies to this tab.
  }
  // Both parts before the switch: the page on screen re-renders in the new language at once.
  await Promise.all([loadTexts(language, 'shell'), loadTexts(language, 'pages')]);
  await i18n.changeLanguage(language);
  applyDocumentLanguage(language);
}
