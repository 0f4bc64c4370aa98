export { type BootstrapConfig, type BootstrapOptions, loadBootstrapConfig } from './bootstrap.js';
export {
  bootstrapSecretEnv,
  definitionOf,
  isSettingKey,
  type SettingDefinition,
  type SettingGroup,
  type SettingKey,
  settingDefinitions,
  settingKeys,
} from './definitions.js';
export { isMasked, maskSecret } from './mask.js';
export { KEY_FILE_NAME, type KeySource, loadSecretBox, SecretBox } from './secret-box.js';
export {
  type ResolvedSetting,
  type ResolvedSettings,
  SettingsService,
  type SettingsUpdate,
  type SettingView,
} from './settings-service.js';
export {
  ConfigError,
  type ConfigIssue,
  describeIssue,
  type SettingSource,
  type SettingValue,
} from './sources.js';
