import { GlobalOutlined } from '@ant-design/icons';
import { Segmented, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage, isLanguage, LANGUAGES } from '../i18n';

export function LanguageSwitch({ tone = 'light' }: { tone?: 'light' | 'dark' }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('lang.label')}>
      <span className={`language-switch language-switch-${tone}`} data-testid="language-switch">
        <GlobalOutlined aria-hidden />
        <Segmented
          size="small"
          value={currentLanguage()}
          options={LANGUAGES.map((language) => ({ value: language, label: t(`lang.${language}`) }))}
          onChange={(value) => {
            if (isLanguage(value)) void changeLanguage(value);
          }}
        />
      </span>
    </Tooltip>
  );
}
