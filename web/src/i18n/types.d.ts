import 'i18next';
import type { Resources } from './locales/zh-CN';

// Makes `t('some.key')` a compile error when the key does not exist in either part of the texts
// (the shell or the pages part, see locales/zh-CN.ts): `Resources` is both, deep-merged.
declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: Resources };
  }
}
