export { type ProjectParams, type ProjectParamsInput, projectParamsSchema } from './params.js';
export {
  type Project,
  type ProjectInput,
  type ProjectPatch,
  ProjectService,
  type ProjectVersion,
  projectInputSchema,
  projectPatchSchema,
} from './projects.js';
