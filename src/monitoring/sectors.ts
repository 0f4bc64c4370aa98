import type { ThemeService } from '../universe/index.js';

/** Symbol -> sector from every theme's members (the first theme naming a sector wins). */
export async function sectorsFromThemes(themes: ThemeService): Promise<Map<string, string>> {
  const list = await themes.list();
  const members = await themes.universe(list.map((t) => t.id));
  const sectors = new Map<string, string>();
  for (const member of members) if (member.sector) sectors.set(member.symbol, member.sector);
  // universe() keeps the first theme's row per symbol even when its sector is empty: fill gaps.
  if (members.some((m) => !m.sector)) {
    for (const theme of list) {
      for (const member of await themes.universe([theme.id])) {
        if (member.sector && !sectors.has(member.symbol)) sectors.set(member.symbol, member.sector);
      }
    }
  }
  return sectors;
}
