import 'i18next';
import type { Resources } from './locales/zh-CN';

// Makes `t('some.key')` a compile error when the key does not exist.
declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: Resources };
  }
}
