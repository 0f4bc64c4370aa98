import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { AuthProvider, RequireAuth } from './auth';
import { EventsProvider, TradingStatusProvider } from './events';
import { currentLanguage } from './i18n';
import { AppLayout, HOME_PATH, SETTINGS_PATH } from './layout';
import {
  AuditPage,
  DataPage,
  LiveTradingPage,
  LoginPage,
  ProjectsPage,
  ReportsPage,
  SettingsPage,
  ThemesPage,
} from './pages';

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
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route element={<SignedIn />}>
                <Route index element={<Navigate to={HOME_PATH} replace />} />
                <Route path="projects" element={<ProjectsPage />} />
                <Route path="data" element={<DataPage />} />
                <Route path="backtests" element={<ReportsPage />} />
                <Route path="live" element={<LiveTradingPage />} />
                <Route path="themes" element={<ThemesPage />} />
                <Route path="audit" element={<AuditPage />} />
                <Route path={SETTINGS_PATH.slice(1)} element={<SettingsPage />} />
                <Route path="*" element={<Navigate to={HOME_PATH} replace />} />
              </Route>
            </Routes>
          </AuthProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}
