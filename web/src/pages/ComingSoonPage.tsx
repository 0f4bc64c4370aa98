import { Card, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../components';
import { NAV_ITEMS, type NavKey } from '../layout';

type LaterPage = Exclude<NavKey, 'audit'>;

/** A module a later issue delivers: says so plainly and shows no sample data. */
export function ComingSoonPage({ page }: { page: LaterPage }) {
  const { t } = useTranslation();
  const Icon = NAV_ITEMS.find((item) => item.key === page)?.icon;
  const title = t(`menu.${page}`);
  return (
    <>
      <PageHeader title={title} subtitle={t(`pages.${page}.description`)} />
      <ComingSoonCard page={page} icon={Icon ? <Icon /> : undefined} />
    </>
  );
}

export function ComingSoonCard({ page, icon }: { page: LaterPage; icon?: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <Card variant="borderless" className="content-card">
      <Result
        className="coming-soon"
        data-testid="coming-soon"
        icon={icon ? <span className="coming-soon-icon">{icon}</span> : undefined}
        status="info"
        title={t('common.comingSoon')}
        subTitle={t('common.comingSoonDetail', { page: t(`menu.${page}`) })}
      />
    </Card>
  );
}
