import type { Generated } from 'kysely';

export interface ThemesTable {
  id: Generated<number>;
  name: string;
  /** `system` themes are shared; `project` themes belong to one project's research. */
  kind: string;
  description: string;
  created_at: string;
  updated_at: string;
}

export interface ThemeMembersTable {
  theme_id: number;
  symbol: string;
  name: string;
  sector: string;
  industry: string;
  /** Membership days, inclusive (YYYY-MM-DD); NULL = open-ended. */
  member_from: string | null;
  member_to: string | null;
}

export interface ProjectsTable {
  id: Generated<number>;
  name: string;
  description: string;
  current_version: number;
  created_at: string;
  updated_at: string;
}

/** Every parameter change is a new immutable version that backtests and trade runs record. */
export interface ProjectVersionsTable {
  project_id: number;
  version: number;
  params_json: string;
  created_at: string;
  created_by: string;
}

export interface ResearchTables {
  themes: ThemesTable;
  theme_members: ThemeMembersTable;
  projects: ProjectsTable;
  project_versions: ProjectVersionsTable;
}
