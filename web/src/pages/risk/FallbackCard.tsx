import { Card, Descriptions, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FallbackResponse, Project } from '../../api';
import { errorText, type Failure } from '../../components';
import { useServerEvent } from '../../events';
import { renderMessage } from '../../i18n/messages';
import { riskApi } from './risk-api';

/**
 * 回退目标版本 / fallback target version on the Live Trading page: the project's policy and, when a
 * weekly run fell back, what it did, why and when, and the snapshot it traded again.
 */
export function FallbackCard({ project }: { project: Project | null }) {
  const { t } = useTranslation();
  const [data, setData] = useState<FallbackResponse | null>(null);
  const [error, setError] = useState<Failure | null>(null);
  const projectId = project?.id ?? null;
  const load = useCallback(() => {
    if (projectId === null) return;
    riskApi
      .fallback(projectId)
      .then((answer) => {
        setData(answer);
        setError(null);
      })
      .catch((reason: unknown) => setError({ reason }));
  }, [projectId]);
  useEffect(() => {
    setData(null);
    load();
  }, [load]);
  // The pipeline audits every fallback it applies: re-read when one is recorded.
  useServerEvent('audit.appended', (event) => {
    if (event.action === 'pipeline.fallback') load();
  });
  if (!project) return null;
  const latest = data?.latest ?? null;
  return (
    <Card size="small" className="content-card" title={t('risk.fallback.title')} data-testid="fallback-card">
      {error ? <Typography.Text type="danger">{errorText(error.reason)}</Typography.Text> : null}
      {data && data.projectId === projectId ? (
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('risk.fallback.policy')}>
            <span data-testid="fallback-policy" data-policy={data.policy}>
              {t(`risk.fallback.policies.${data.policy}`)}
            </span>
          </Descriptions.Item>
          {latest ? (
            <>
              <Descriptions.Item label={t('risk.fallback.used')}>
                <Tag color={latest.used === 'last-good' ? 'blue' : 'orange'} data-testid="fallback-used">
                  {t(`risk.fallback.usedValues.${latest.used}`)}
                </Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t('risk.fallback.date')}>{latest.tradingDate}</Descriptions.Item>
              <Descriptions.Item label={t('risk.fallback.at')}>
                {dayjs(latest.at).format('YYYY-MM-DD HH:mm:ss')}
              </Descriptions.Item>
              <Descriptions.Item label={t('risk.fallback.reason')} span={2}>
                <span data-testid="fallback-reason">
                  {latest.reasonText ? renderMessage(latest.reasonText) : latest.reason}
                </span>
              </Descriptions.Item>
              {latest.sourceSnapshotId !== null ? (
                <Descriptions.Item label={t('risk.fallback.source')}>
                  <span data-testid="fallback-source">
                    {t('risk.fallback.sourceValue', {
                      id: latest.sourceSnapshotId,
                      hash: (latest.sourceHash ?? '').slice(0, 12),
                    })}
                  </span>
                </Descriptions.Item>
              ) : null}
              {latest.snapshotId !== null ? (
                <Descriptions.Item label={t('risk.fallback.snapshot')}>
                  #{latest.snapshotId}
                </Descriptions.Item>
              ) : null}
              {latest.tradeRunId !== null ? (
                <Descriptions.Item label={t('risk.fallback.run')}>#{latest.tradeRunId}</Descriptions.Item>
              ) : null}
            </>
          ) : (
            <Descriptions.Item label={t('risk.fallback.used')}>
              <Typography.Text type="secondary" data-testid="fallback-none">
                {t('risk.fallback.none')}
              </Typography.Text>
            </Descriptions.Item>
          )}
        </Descriptions>
      ) : null}
    </Card>
  );
}
