import { LogoutOutlined, SettingOutlined, UserOutlined } from '@ant-design/icons';
import { App, Avatar, Badge, Button, Layout, Menu, Tooltip } from 'antd';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth';
import {
  LanguageSwitch,
  MarketStatusProvider,
  MarketStatusTag,
  PageLoading,
  TradingBadge,
  TradingDot,
} from '../components';
import { useEvents } from '../events';
import { RiskStateBadge } from '../pages/risk/RiskStateBadge';
import { Logo } from './Logo';
import { NAV_ITEMS, SETTINGS_PATH } from './navigation';

export function AppLayout() {
  const { t } = useTranslation();
  const { state, logout } = useAuth();
  const { connected } = useEvents();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);

  const selected = NAV_ITEMS.find((item) => location.pathname.startsWith(item.path))?.path;
  const username = state.status === 'authenticated' ? state.user.username : '';

  const menuItems = NAV_ITEMS.map((item) => ({
    key: item.path,
    icon:
      item.key === 'live' && collapsed ? (
        <TradingDot>
          <item.icon />
        </TradingDot>
      ) : (
        <item.icon />
      ),
    'data-testid': `nav-${item.key}`,
    label: (
      <span className="nav-item">
        <span className="nav-label">{t(`menu.${item.key}`)}</span>
        {item.key === 'live' ? <TradingBadge /> : null}
      </span>
    ),
  }));

  const onLogout = async () => {
    try {
      await logout();
    } catch (error) {
      message.error(t('common.requestFailed', { message: error instanceof Error ? error.message : '' }));
    }
    navigate('/login', { replace: true });
  };

  return (
    <MarketStatusProvider>
      <Layout className="app-shell">
        <Layout.Header className="app-header">
          <div className="app-brand">
            <Logo />
            <span className="app-name">{t('app.name')}</span>
            <span className="app-tagline">{t('app.tagline')}</span>
          </div>
          <div className="app-header-actions">
            <RiskStateBadge />
            <MarketStatusTag />
            <Button
              type="text"
              className="header-button"
              icon={<SettingOutlined />}
              data-testid="open-settings"
              onClick={() => navigate(SETTINGS_PATH)}
            >
              {t('header.settings')}
            </Button>
            <LanguageSwitch tone="dark" />
            <Tooltip title={connected ? t('header.liveEventsOn') : t('header.liveEventsOff')}>
              <Badge
                status={connected ? 'success' : 'error'}
                className="events-indicator"
                data-testid="events-indicator"
                data-connected={connected}
              />
            </Tooltip>
            <span
              className="app-user"
              title={`${t('header.signedInAs')} ${username}`}
              data-testid="current-user"
            >
              <Avatar size="small" icon={<UserOutlined />} className="app-user-avatar" />
              {username}
            </span>
            <Button
              type="text"
              className="header-button"
              icon={<LogoutOutlined />}
              data-testid="logout"
              onClick={() => void onLogout()}
            >
              {t('header.logout')}
            </Button>
          </div>
        </Layout.Header>
        <Layout>
          <Layout.Sider
            width={284}
            className="app-sider"
            theme="light"
            breakpoint="lg"
            collapsedWidth={64}
            collapsed={collapsed}
            onBreakpoint={setCollapsed}
          >
            <Menu
              className="app-nav"
              data-testid="main-menu"
              mode="inline"
              inlineIndent={16}
              selectedKeys={selected ? [selected] : []}
              items={menuItems}
              onClick={({ key }) => navigate(key)}
            />
          </Layout.Sider>
          <Layout.Content className="app-content">
            {/* Inside the layout so the header and menu stay while the next page's chunk loads. */}
            <Suspense fallback={<PageLoading />}>
              <Outlet />
            </Suspense>
          </Layout.Content>
        </Layout>
      </Layout>
    </MarketStatusProvider>
  );
}
