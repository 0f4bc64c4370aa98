import { Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type UniverseSelector } from '../../api';
import { PICKER_STYLE } from './model';

interface Option {
  value: string;
  label: string;
}

/** `project:<id>` or `theme:<id>` as a selector for the IB universe routes. */
export function toSelector(value: string | null): UniverseSelector | null {
  if (!value) return null;
  const [kind, id] = value.split(':');
  if (!id) return null;
  if (kind === 'project') return { project: id };
  if (kind === 'theme') return { theme: Number(id) };
  return null;
}

/** Picks the universe of a report: one project or one theme. */
export function UniversePicker({
  value,
  onChange,
  testId,
}: {
  value: string | null;
  onChange(value: string | null): void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [projects, setProjects] = useState<Option[]>([]);
  const [themes, setThemes] = useState<Option[]>([]);

  useEffect(() => {
    let current = true;
    api
      .listProjects()
      .then((answer) => {
        if (current) setProjects(answer.projects.map((p) => ({ value: `project:${p.id}`, label: p.name })));
      })
      .catch(() => undefined);
    api
      .listThemes()
      .then((answer) => {
        if (current) setThemes(answer.themes.map((th) => ({ value: `theme:${th.id}`, label: th.name })));
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);

  return (
    <Select
      data-testid={testId}
      style={PICKER_STYLE}
      showSearch={{ optionFilterProp: 'label' }}
      // A few dozen projects and themes at most: render them all, so none is out of reach of the
      // keyboard, a screen reader or a test looking for it by name (a virtual list renders ~8).
      virtual={false}
      allowClear
      placeholder={t('liveTrading.universe.placeholder')}
      value={value}
      onChange={(next: string | undefined) => onChange(next ?? null)}
      options={[
        { label: t('liveTrading.universe.projects'), options: projects },
        { label: t('liveTrading.universe.themes'), options: themes },
      ]}
      notFoundContent={t('liveTrading.universe.none')}
    />
  );
}
