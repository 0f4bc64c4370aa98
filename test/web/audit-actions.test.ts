import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, auditActionText, auditActorText } from '../../web/src/i18n/auditActions.js';

const SRC = join(import.meta.dirname, '../../src');

/** Actions written through a parameter rather than an `action:` field, with the file that passes them. */
const PASSED_AS_ARGUMENT: Record<string, string> = {
  'risk.state.tighten': 'risk/trading-state.ts',
  'risk.state.resume': 'risk/trading-state.ts',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every dotted tag the server puts in an `action:` field (audit actions are `area.verb` tags). */
function writtenActions(): Set<string> {
  const actions = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const field of text.matchAll(/\baction:\s*([^,}\n]*)/g)) {
      for (const tag of (field[1] ?? '').matchAll(/'([a-z][\w-]*(?:\.[\w-]+)+)'/g)) actions.add(tag[1] ?? '');
    }
  }
  for (const [action, file] of Object.entries(PASSED_AS_ARGUMENT)) {
    expect(readFileSync(join(SRC, file), 'utf8'), `${file} no longer writes ${action}`).toContain(
      `'${action}'`,
    );
    actions.add(action);
  }
  return actions;
}

const HAN = /\p{Script=Han}/u;

describe('audit action names', () => {
  const written = writtenActions();

  it('finds the actions the server writes', () => {
    // The scan itself must see the known writers, or an empty scan would pass everything.
    for (const action of [
      'auth.login',
      'settings.update.live-mode-confirmed',
      'decision.snapshot.frozen',
      'job.succeeded',
    ])
      expect(written).toContain(action);
  });

  for (const [language, names] of Object.entries(AUDIT_ACTIONS)) {
    it(`every action the server writes has a ${language} name`, () => {
      const missing = [...written].filter((action) => !names[action]).sort();
      expect(missing, `audit actions without a ${language} name (web/src/i18n/auditActions.ts)`).toEqual([]);
      for (const name of Object.values(names)) {
        if (language === 'zh-CN') expect(name).toMatch(HAN);
        else expect(name).not.toMatch(HAN);
      }
    });
  }

  it('shows an unknown action as its tag', () => {
    expect(auditActionText('pipeline.fallback', 'zh-CN')).toBe('启用回退策略');
    expect(auditActionText('pipeline.fallback', 'en')).toBe('Fallback used');
    expect(auditActionText('future.thing', 'zh-CN')).toBe('future.thing');
    expect(auditActionText('toString', 'en')).toBe('toString');
  });
});

describe('audit actor names', () => {
  /** The system's own actors: `actor: '...'` literals and `..._ACTOR = '...'` constants in src. */
  function systemActors(): Set<string> {
    const actors = new Set<string>();
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bactor: '([a-z][a-z-]*)'|_ACTOR = '([a-z][a-z-]*)'/g))
        actors.add(match[1] ?? match[2] ?? '');
    }
    // The message catalogue's parameter kind, not an actor.
    actors.delete('text');
    return actors;
  }

  it('every system actor reads in Chinese on a zh-CN page; a user name stays as typed', () => {
    const actors = systemActors();
    for (const known of ['risk', 'risk-monitor', 'pipeline', 'scheduler']) expect(actors).toContain(known);
    for (const actor of actors) {
      expect(auditActorText(actor, 'zh-CN'), actor).toMatch(HAN);
      expect(auditActorText(actor, 'en'), actor).not.toMatch(HAN);
    }
    expect(auditActorText('alice', 'zh-CN')).toBe('alice');
  });
});
