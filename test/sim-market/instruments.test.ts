import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { defaultInstruments, loadInstrumentsFile } from '../../src/sim/market/index.js';

const clock = new ManualClock(Date.parse('2026-11-24T15:00:00Z'));

function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ibloop-instruments-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('default instruments', () => {
  const instruments = defaultInstruments(clock);

  it('lists about forty liquid US stocks with unique symbols and conIds', () => {
    expect(instruments.length).toBeGreaterThanOrEqual(40);
    expect(new Set(instruments.map((instrument) => instrument.symbol)).size).toBe(instruments.length);
    expect(new Set(instruments.map((instrument) => instrument.conId)).size).toBe(instruments.length);
    for (const instrument of instruments) {
      expect(['NASDAQ', 'NYSE']).toContain(instrument.primaryExchange);
      expect(instrument.exchange).toBe('SMART');
      expect(instrument.minTick).toBe(0.01);
      expect(instrument.sector.length).toBeGreaterThan(0);
    }
    expect(new Set(instruments.map((instrument) => instrument.sector)).size).toBe(11);
  });

  it("writes trading hours in IB's format for the clock's week", () => {
    const [first] = instruments;
    expect(first?.liquidHours.split(';')[0]).toBe('20261124:0930-20261124:1600');
    expect(first?.liquidHours).toContain('20261126:CLOSED');
    expect(first?.tradingHours.split(';')[0]).toBe('20261124:0400-20261124:2000');
    expect(first?.timeZoneId).toBe('US/Eastern');
  });
});

describe('universe files', () => {
  it('loads a CSV universe with defaults for missing fields', () => {
    const path = tempFile(
      'universe.csv',
      'symbol,conId,primaryExchange,sector,minTick\nAAPL,265598,NASDAQ,Information Technology,0.01\nxyz,,NYSE,Energy,\n',
    );
    const [apple, xyz] = loadInstrumentsFile(path, clock);
    expect(apple).toMatchObject({
      symbol: 'AAPL',
      conId: 265598,
      exchange: 'SMART',
      currency: 'USD',
      lotSize: 1,
    });
    expect(xyz?.symbol).toBe('XYZ');
    expect(xyz?.conId).toBeGreaterThan(0);
    expect(xyz?.minTick).toBe(0.01);
    expect(xyz?.sector).toBe('Energy');
  });

  it('loads a JSON universe (array or { instruments })', () => {
    const path = tempFile(
      'universe.json',
      JSON.stringify({ instruments: [{ symbol: 'KO', conId: 8894, lotSize: 1 }] }),
    );
    expect(loadInstrumentsFile(path, clock)[0]).toMatchObject({ symbol: 'KO', conId: 8894 });
  });

  it('names the file, line and field of a bad CSV row', () => {
    const path = tempFile('bad.csv', 'symbol,conId,minTick\nAAPL,265598,0.01\nMSFT,272093,-1\n');
    expect(() => loadInstrumentsFile(path, clock)).toThrow(`${path}:3: field "minTick"`);
  });

  it('names the file, line, index and field of a bad JSON entry', () => {
    const rows = [
      { symbol: 'AAPL', longName: 'Apple, "Inc" [x]' },
      { symbol: 'MSFT', conId: 'abc' },
    ];
    const path = tempFile('bad.json', JSON.stringify(rows, null, 2));
    // The second element starts on line 6 of the pretty-printed array.
    expect(() => loadInstrumentsFile(path, clock)).toThrow(`${path}:6: instruments[1]: field "conId"`);
    const wrapped = tempFile('wrapped.json', JSON.stringify({ instruments: [{ symbol: 'KO', lotSize: 0 }] }));
    expect(() => loadInstrumentsFile(wrapped, clock)).toThrow(
      `${wrapped}:1: instruments[0]: field "lotSize"`,
    );
  });

  it('rejects duplicate symbols and conIds, empty files and missing files', () => {
    expect(() => loadInstrumentsFile(tempFile('dup.csv', 'symbol\nAAPL\nAAPL\n'), clock)).toThrow(
      /duplicate symbol AAPL/,
    );
    expect(() => loadInstrumentsFile(tempFile('dupid.csv', 'symbol,conId\nA,5\nB,5\n'), clock)).toThrow(
      /conId 5/,
    );
    expect(() => loadInstrumentsFile(tempFile('empty.csv', 'symbol\n'), clock)).toThrow(/no instruments/);
    expect(() => loadInstrumentsFile('/nonexistent/universe.csv', clock)).toThrow(/cannot read/);
  });
});
