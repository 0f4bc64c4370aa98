export { PipelinePanel } from './PipelinePanel';
