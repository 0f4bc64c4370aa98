import type { AppContext } from '../app/context.js';
import { msg } from '../contract/messages.js';
import { InputError } from '../core/errors.js';

export interface UniverseSelector {
  project?: string | number | undefined;
  theme?: number | number[] | undefined;
  symbols?: string[] | undefined;
}

/** Universe symbols of a project (by id or name), of themes, or a given list; exactly one of them. */
export async function universeSymbols(
  ctx: Pick<AppContext, 'themes' | 'projects'>,
  selector: UniverseSelector,
): Promise<string[]> {
  const given = [selector.project, selector.theme, selector.symbols].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new InputError(
      'universe',
      'give exactly one of project, theme or symbols',
      msg('UNIVERSE_SELECTOR_NOT_ONE', {}),
    );
  }
  if (selector.symbols) {
    const symbols = selector.symbols.map((s) => s.trim().toUpperCase()).filter((s) => s.length > 0);
    for (const s of symbols) {
      if (!/^[A-Z0-9.-]{1,12}$/.test(s))
        throw new InputError(
          'symbols',
          `"${s}" is not a ticker symbol`,
          msg('SYMBOL_INVALID', { symbol: s }),
        );
    }
    if (symbols.length === 0)
      throw new InputError('symbols', 'must list at least one symbol', msg('SYMBOLS_EMPTY', {}));
    return [...new Set(symbols)];
  }
  if (selector.theme !== undefined) {
    const ids = Array.isArray(selector.theme) ? selector.theme : [selector.theme];
    const members = await ctx.themes.universe(ids);
    return members.map((m) => m.symbol.toUpperCase());
  }
  const ref = selector.project as string | number;
  const asId = typeof ref === 'string' && /^\d+$/.test(ref) ? Number(ref) : ref;
  const members = await ctx.projects.universe((await ctx.projects.get(asId)).id);
  return members.map((m) => m.symbol.toUpperCase());
}
