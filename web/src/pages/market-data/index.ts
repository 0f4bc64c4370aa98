export { DataPage } from './DataPage';
