export { ThemesPage } from './ThemesPage';
