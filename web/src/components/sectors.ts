import type { ThemeMember } from '../api';

export interface SectorCount {
  /** Empty string when members carry no sector. */
  sector: string;
  count: number;
}

/** Members per sector, largest first; ties by name so the order is stable between renders. */
export function sectorCounts(members: readonly Pick<ThemeMember, 'sector'>[]): SectorCount[] {
  const counts = new Map<string, number>();
  for (const member of members) {
    const sector = member.sector.trim();
    counts.set(sector, (counts.get(sector) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([sector, count]) => ({ sector, count }))
    .sort((a, b) => b.count - a.count || a.sector.localeCompare(b.sector));
}
