import { z } from 'zod';

export const SYMBOL_PATTERN = /^[A-Z][A-Z0-9.-]{0,9}$/;

export const symbolSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(SYMBOL_PATTERN, 'must be a ticker: a letter, then up to 9 letters, digits, "." or "-"');

const membershipDay = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD')
  .refine(isCalendarDay, 'must be a calendar day');

function isCalendarDay(text: string): boolean {
  const time = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(text);
}

/**
 * A theme member; `from` / `to` (inclusive, optional) make the theme a point-in-time universe: a
 * backtest holds the name only between them.
 */
export const themeMemberSchema = z
  .object({
    symbol: symbolSchema,
    name: z.string().trim().max(200).default(''),
    sector: z.string().trim().max(100).default(''),
    industry: z.string().trim().max(200).default(''),
    from: membershipDay.optional(),
    to: membershipDay.optional(),
  })
  .strict()
  .refine((member) => !member.from || !member.to || member.from <= member.to, {
    path: ['to'],
    message: 'must not be before "from"',
  });

export type ThemeMember = z.infer<typeof themeMemberSchema>;

export const THEME_KINDS = ['system', 'project'] as const;
export type ThemeKind = (typeof THEME_KINDS)[number];

const membersSchema = z
  .array(themeMemberSchema)
  .max(5000, 'at most 5000 members')
  .superRefine((members, ctx) => {
    const seen = new Set<string>();
    members.forEach((m, i) => {
      if (seen.has(m.symbol))
        ctx.addIssue({ code: 'custom', path: [i, 'symbol'], message: `duplicate symbol ${m.symbol}` });
      seen.add(m.symbol);
    });
  });

export const themeInputSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters'),
    kind: z.enum(THEME_KINDS, { error: 'must be "system" or "project"' }).default('system'),
    description: z.string().trim().max(2000).default(''),
    members: membersSchema.default([]),
  })
  .strict();

export type ThemeInput = z.infer<typeof themeInputSchema>;

export const themePatchSchema = themeInputSchema.partial().strict();
export type ThemePatch = z.infer<typeof themePatchSchema>;
