import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { type ComponentType, lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { AuthProvider, RequireAuth } from './auth';
import { PageLoading } from './components';
import { EventsProvider, TradingStatusProvider } from './events';
import { currentLanguage, pageTextsReady } from './i18n';
import { AppLayout, HOME_PATH, SETTINGS_PATH } from './layout';

/**
 * Each page is its own chunk, fetched when its route is first visited, so the login page and the
 * first page after it do not carry every other page's code (and its libraries). A page's texts are
 * in the first-load shell (login, Projects) or in the pages part that loads after it
 * (i18n/index.ts): a page of the latter waits for them too, so it never renders a raw key.
 */
function lazyPage<Name extends string>(
  load: () => Promise<Record<Name, ComponentType>>,
  name: Name,
  texts: 'shell' | 'pages' = 'pages',
): ComponentType {
  return lazy(async () => {
    const [module] = await Promise.all([load(), texts === 'pages' ? pageTextsReady() : undefined]);
    const page: ComponentType = module[name];
    return { default: page };
  });
}

const LoginPage = lazyPage(() => import('./pages/LoginPage'), 'LoginPage', 'shell');
const ProjectsPage = lazyPage(() => import('./pages/projects'), 'ProjectsPage', 'shell');
const DataPage = lazyPage(() => import('./pages/market-data'), 'DataPage');
const ReportsPage = lazyPage(() => import('./pages/reports'), 'ReportsPage');
const LiveTradingPage = lazyPage(() => import('./pages/live'), 'LiveTradingPage');
const ThemesPage = lazyPage(() => import('./pages/themes'), 'ThemesPage');
const AuditPage = lazyPage(() => import('./pages/audit'), 'AuditPage');
const AlertsPage = lazyPage(() => import('./pages/alerts'), 'AlertsPage');
const RiskPage = lazyPage(() => import('./pages/risk'), 'RiskPage');
const SnapshotPage = lazyPage(() => import('./pages/decisions/view'), 'SnapshotPage');
const SnapshotListPage = lazyPage(() => import('./pages/decisions/view'), 'SnapshotListPage');
const RunSnapshotPage = lazyPage(() => import('./pages/decisions/view'), 'RunSnapshotPage');
const SettingsPage = lazyPage(() => import('./pages/settings'), 'SettingsPage');

const theme: ThemeConfig = {
  token: {
    colorPrimary: '#2f6bff',
    borderRadius: 8,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: {
      headerBg: '#0f1f3d',
      headerHeight: 56,
      headerPadding: '0 20px',
      bodyBg: '#f3f5f9',
      siderBg: '#ffffff',
    },
    Menu: {
      activeBarBorderWidth: 0,
      itemPaddingInline: 16,
      itemBorderRadius: 8,
      itemMarginInline: 8,
      itemHeight: 44,
    },
  },
};

/** Signed-in area: one event stream and one trading status for every page under the layout. */
function SignedIn() {
  return (
    <RequireAuth>
      <EventsProvider>
        <TradingStatusProvider>
          <AppLayout />
        </TradingStatusProvider>
      </EventsProvider>
    </RequireAuth>
  );
}

export function App() {
  // Subscribing re-renders the tree (antd locale included) when the language changes.
  useTranslation();
  const language = currentLanguage();
  return (
    <ConfigProvider locale={language === 'zh-CN' ? zhCN : enUS} theme={theme}>
      <AntApp>
        <BrowserRouter>
          <AuthProvider>
            <Suspense fallback={<PageLoading />}>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route element={<SignedIn />}>
                  <Route index element={<Navigate to={HOME_PATH} replace />} />
                  <Route path="projects" element={<ProjectsPage />} />
                  <Route path="data" element={<DataPage />} />
                  <Route path="backtests" element={<ReportsPage />} />
                  <Route path="live" element={<LiveTradingPage />} />
                  <Route path="live/risk" element={<RiskPage />} />
                  <Route path="live/snapshots" element={<SnapshotListPage />} />
                  <Route path="live/snapshots/:id" element={<SnapshotPage />} />
                  <Route path="live/runs/:runId/snapshot" element={<RunSnapshotPage />} />
                  <Route path="themes" element={<ThemesPage />} />
                  <Route path="audit" element={<AuditPage />} />
                  <Route path="audit/alerts" element={<AlertsPage />} />
                  <Route path={SETTINGS_PATH.slice(1)} element={<SettingsPage />} />
                  <Route path="*" element={<Navigate to={HOME_PATH} replace />} />
                </Route>
              </Routes>
            </Suspense>
          </AuthProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}
