import {
  AppstoreOutlined,
  AuditOutlined,
  DatabaseOutlined,
  LineChartOutlined,
  ProjectOutlined,
  ThunderboltOutlined,
} from '@ant-design/icons';
import type { ComponentType } from 'react';

export type NavKey = 'projects' | 'data' | 'backtests' | 'live' | 'themes' | 'audit';

export interface NavItem {
  key: NavKey;
  path: string;
  icon: ComponentType;
}

/** The side menu, in the order the product requires (issue 2): do not reorder. */
export const NAV_ITEMS: readonly NavItem[] = [
  { key: 'projects', path: '/projects', icon: ProjectOutlined },
  { key: 'data', path: '/data', icon: DatabaseOutlined },
  { key: 'backtests', path: '/backtests', icon: LineChartOutlined },
  { key: 'live', path: '/live', icon: ThunderboltOutlined },
  { key: 'themes', path: '/themes', icon: AppstoreOutlined },
  { key: 'audit', path: '/audit', icon: AuditOutlined },
];

export const SETTINGS_PATH = '/settings';
export const HOME_PATH = '/projects';
