export { PipelinePanel } from './lazy';
