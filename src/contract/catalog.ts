/**
 * Themes (lists of symbols) and projects (versioned parameters): responses, and the request types the
 * web app sends. The request bodies are validated by the domain's own schemas (src/universe,
 * src/projects), which the OpenAPI document shows. Pure zod, shared with the web app.
 */
import { z } from 'zod';

export const IdParams = z
  .object({ id: z.coerce.number().int().positive('must be a positive integer') })
  .strict();
export const VersionParams = IdParams.extend({
  version: z.coerce.number().int().positive('must be a positive integer'),
});

export const ThemeKind = z.enum(['system', 'project']);
export type ThemeKind = z.infer<typeof ThemeKind>;

export const ThemeMember = z.object({
  symbol: z.string(),
  name: z.string(),
  sector: z.string(),
  industry: z.string(),
  /** Membership window (YYYY-MM-DD), when the member joined or left the theme. */
  from: z.string().optional(),
  to: z.string().optional(),
});
export type ThemeMember = z.infer<typeof ThemeMember>;

export const ThemeSummary = z.object({
  id: z.number(),
  name: z.string(),
  kind: ThemeKind,
  description: z.string(),
  memberCount: z.number(),
  updatedAt: z.string(),
});
export type ThemeSummary = z.infer<typeof ThemeSummary>;

export const Theme = ThemeSummary.extend({ members: z.array(ThemeMember) });
export type Theme = z.infer<typeof Theme>;

export interface ThemeInput {
  name: string;
  kind: ThemeKind;
  description: string;
  members: ThemeMember[];
}

export const ThemeListQuery = z.object({ q: z.string().max(100).optional() }).strict();
export const ThemeListResponse = z.object({ themes: z.array(ThemeSummary) });
export type ThemeListResponse = z.infer<typeof ThemeListResponse>;
export const ThemeResponse = z.object({ theme: Theme });
export type ThemeResponse = z.infer<typeof ThemeResponse>;

export const ThemeImportMode = z.enum(['replace', 'merge']);
export type ThemeImportMode = z.infer<typeof ThemeImportMode>;
export const ThemeImportRequest = z
  .object({
    csv: z.string().min(1, 'must not be empty').max(2_000_000, 'at most 2 MB'),
    mode: z.enum(['replace', 'merge'], { error: 'must be "replace" or "merge"' }).default('replace'),
  })
  .strict();

export const ModelFamily = z.enum(['rule', 'ridge', 'gbt']);
export type ModelFamily = z.infer<typeof ModelFamily>;
export const WeightingScheme = z.enum(['equal', 'score', 'inverse_volatility']);
export type WeightingScheme = z.infer<typeof WeightingScheme>;
export const OrderType = z.enum(['MKT', 'LMT']);
export type OrderType = z.infer<typeof OrderType>;

/**
 * The parameters as the UI reads them (src/projects/params.ts has the full schema, with defaults).
 * Loose: groups and fields added there travel through unchanged.
 */
export const ProjectParams = z.looseObject({
  themeIds: z.array(z.number()),
  model: z.looseObject({ family: ModelFamily, seed: z.number() }),
  portfolio: z.looseObject({
    topN: z.number(),
    weighting: WeightingScheme,
    maxWeight: z.number(),
    sectorCap: z.number(),
    cashBuffer: z.number(),
    turnoverLimit: z.number(),
  }),
  schedule: z.looseObject({
    frequency: z.literal('weekly'),
    weekday: z.number(),
    minutesAfterOpen: z.number(),
  }),
  risk: z.looseObject({
    maxPositionWeight: z.number(),
    maxSectorWeight: z.number(),
    maxGrossExposure: z.number(),
    maxDailyLoss: z.number(),
  }),
  execution: z.looseObject({ orderType: OrderType, limitOffsetBps: z.number(), minTradeValue: z.number() }),
});
export type ProjectParams = z.infer<typeof ProjectParams>;

export const Project = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  currentVersion: z.number(),
  params: ProjectParams,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Project = z.infer<typeof Project>;

export const ProjectVersion = z.object({
  version: z.number(),
  params: ProjectParams,
  createdAt: z.string(),
  createdBy: z.string(),
});
export type ProjectVersion = z.infer<typeof ProjectVersion>;

export const ProjectDetail = z.object({
  project: Project,
  versions: z.array(ProjectVersion),
  universe: z.array(ThemeMember),
});
export type ProjectDetail = z.infer<typeof ProjectDetail>;

export interface ProjectInput {
  name: string;
  description: string;
  params: ProjectParams;
}

export const ProjectListResponse = z.object({ projects: z.array(Project) });
export type ProjectListResponse = z.infer<typeof ProjectListResponse>;
export const ProjectResponse = z.object({ project: Project });
export type ProjectResponse = z.infer<typeof ProjectResponse>;
export const ProjectVersionResponse = z.object({ version: ProjectVersion });
export type ProjectVersionResponse = z.infer<typeof ProjectVersionResponse>;
