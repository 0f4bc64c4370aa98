import { Alert, Button, Card, Empty, Skeleton, Tag } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Project } from '../../api';
import { errorText, type Failure } from '../../components';
import './projects.css';

export interface ProjectListProps {
  /** `null` while the first answer is awaited. */
  projects: Project[] | null;
  error: Failure | null;
  onRetry: () => void;
  selectedId: number | null;
  onSelect: (id: number) => void;
  themeName: (id: number) => ReactNode;
}

/**
 * The project list as a plain table: Ant Design's Table (with its pagination, select, tree and
 * dropdown code) would be most of what the Projects page downloads on first load, for a list of a
 * few rows that needs neither paging, sorting nor filtering.
 */
export function ProjectList({ projects, error, onRetry, selectedId, onSelect, themeName }: ProjectListProps) {
  const { t } = useTranslation();
  return (
    <>
      {error ? (
        <Alert
          type="error"
          showIcon
          title={t('common.loadFailed', { message: errorText(error.reason) })}
          action={<Button onClick={onRetry}>{t('common.retry')}</Button>}
          className="page-notice"
        />
      ) : null}
      <Card variant="borderless" className="content-card" title={t('projects.all')}>
        {projects === null && !error ? <Skeleton active /> : null}
        {projects !== null && projects.length === 0 ? <Empty description={t('projects.none')} /> : null}
        {projects !== null && projects.length > 0 ? (
          <table className="project-list" data-testid="project-list">
            <thead>
              <tr>
                <th>{t('projects.fields.name')}</th>
                <th>{t('projects.fields.themes')}</th>
                <th>{t('projects.versions.version')}</th>
                <th>{t('projects.fields.updatedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {projects.map((project) => (
                <tr
                  key={project.id}
                  className={project.id === selectedId ? 'project-row row-selected' : 'project-row'}
                  data-testid="project-row"
                  tabIndex={0}
                  aria-selected={project.id === selectedId}
                  onClick={() => onSelect(project.id)}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      onSelect(project.id);
                    }
                  }}
                >
                  <td className="entity-name project-name">{project.name}</td>
                  <td>
                    {project.params.themeIds.map((id) => (
                      <Tag key={id}>{themeName(id)}</Tag>
                    ))}
                  </td>
                  <td className="mono">v{project.currentVersion}</td>
                  <td className="nowrap">{dayjs(project.updatedAt).format('YYYY-MM-DD')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
    </>
  );
}
