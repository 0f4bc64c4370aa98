import {
  AuditOutlined,
  ExperimentOutlined,
  LockOutlined,
  SyncOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api';
import { useAuth } from '../auth';
import { errorText, LanguageSwitch } from '../components';
import { HOME_PATH, Logo } from '../layout';

interface Credentials {
  username: string;
  password: string;
}

/** Kept as data, not as a translated string, so that switching language re-translates it. */
type LoginProblem =
  | { kind: 'invalid' }
  | { kind: 'rateLimited'; retryAfterS: number | null }
  | { kind: 'other'; error: unknown };

/** Only same-app paths, so that a crafted `?next=` cannot send the user elsewhere. */
function safeNext(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/login'))
    return HOME_PATH;
  return next;
}

function toProblem(error: unknown): LoginProblem {
  if (error instanceof ApiError) {
    if (error.status === 401) return { kind: 'invalid' };
    if (error.status === 429) return { kind: 'rateLimited', retryAfterS: error.retryAfterS };
  }
  // Rendered with errorText at display time: the server's catalogued reason in the UI language.
  return { kind: 'other', error };
}

export function LoginPage() {
  const { t } = useTranslation();
  const { state, login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [searchParams] = useSearchParams();
  const [problem, setProblem] = useState<LoginProblem | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const next = safeNext(searchParams.get('next'));
  const expired = (location.state as { expired?: boolean } | null)?.expired === true;

  if (state.status === 'authenticated') return <Navigate to={next} replace />;

  const onFinish = async ({ username, password }: Credentials) => {
    setProblem(null);
    setSubmitting(true);
    try {
      await login(username, password);
      navigate(next, { replace: true });
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setSubmitting(false);
    }
  };

  const problemText = (p: LoginProblem): string => {
    switch (p.kind) {
      case 'invalid':
        return t('login.invalidCredentials');
      case 'rateLimited':
        return p.retryAfterS
          ? t('login.rateLimitedRetry', { seconds: p.retryAfterS })
          : t('login.rateLimited');
      case 'other':
        return t('login.failed', { message: errorText(p.error) });
    }
  };

  return (
    <div className="login-page">
      <div className="login-brand">
        <div className="login-brand-inner">
          <div className="login-brand-title">
            <Logo size={44} />
            <span>{t('app.name')}</span>
          </div>
          <Typography.Paragraph className="login-brand-tagline">{t('app.tagline')}</Typography.Paragraph>
          <Typography.Paragraph className="login-brand-subtitle">{t('login.subtitle')}</Typography.Paragraph>
          <ul className="login-points">
            <li>
              <SyncOutlined aria-hidden />
              {t('login.points.loop')}
            </li>
            <li>
              <ExperimentOutlined aria-hidden />
              {t('login.points.paper')}
            </li>
            <li>
              <AuditOutlined aria-hidden />
              {t('login.points.audit')}
            </li>
          </ul>
        </div>
      </div>
      <div className="login-panel">
        <div className="login-lang">
          <LanguageSwitch />
        </div>
        <Card className="login-card" variant="borderless">
          <Typography.Title level={3} className="login-title">
            {t('login.title')}
          </Typography.Title>
          {expired && !problem ? (
            <Alert className="login-alert" type="warning" showIcon title={t('common.sessionExpired')} />
          ) : null}
          {problem ? (
            <Alert
              className="login-alert"
              type={problem.kind === 'rateLimited' ? 'warning' : 'error'}
              showIcon
              title={problemText(problem)}
              data-testid="login-error"
              data-kind={problem.kind}
            />
          ) : null}
          <Form<Credentials>
            layout="vertical"
            size="large"
            requiredMark={false}
            onFinish={(values) => void onFinish(values)}
            disabled={state.status === 'loading'}
          >
            <Form.Item
              name="username"
              label={t('login.username')}
              rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
            >
              <Input
                prefix={<UserOutlined />}
                autoComplete="username"
                autoFocus
                data-testid="login-username"
              />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('login.password')}
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password
                prefix={<LockOutlined />}
                autoComplete="current-password"
                data-testid="login-password"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Form>
          <Typography.Text type="secondary" className="login-footer">
            {t('login.footer')}
          </Typography.Text>
        </Card>
      </div>
    </div>
  );
}
