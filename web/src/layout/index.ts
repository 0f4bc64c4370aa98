export { AppLayout } from './AppLayout';
export { Logo } from './Logo';
export { HOME_PATH, NAV_ITEMS, type NavItem, type NavKey, SETTINGS_PATH } from './navigation';
