export { liveTradingPath, ProjectsPage } from './ProjectsPage';
