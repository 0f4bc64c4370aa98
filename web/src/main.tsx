import 'antd/dist/reset.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { i18nReady } from './i18n';

const container = document.getElementById('root');
if (!container) throw new Error('index.html lacks #root');
// The first render waits for the language's texts (one small chunk) so no key ever shows raw.
void i18nReady.then(() =>
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
