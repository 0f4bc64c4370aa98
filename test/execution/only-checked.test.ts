import { describe, expect, it } from 'vitest';
import { onlyChecked } from '../../src/execution/service.js';
import type { OrderIntent } from '../../src/execution/types.js';

const intent = (symbol: string, side: 'BUY' | 'SELL', quantity: number): OrderIntent => ({
  symbol,
  conId: 1,
  side,
  quantity,
  orderType: 'MKT',
  limitPrice: null,
  tif: 'DAY',
  account: 'DU1234567',
});

/** The list recorded after the pre-trade check may only be the checked list or a part of it. */
describe('only orders the pre-trade rules passed are recorded', () => {
  const checked = [intent('AAA', 'BUY', 100), intent('BBB', 'SELL', 50)];

  it('passes the same list, and a smaller one after fills', () => {
    expect(onlyChecked([intent('AAA', 'BUY', 100), intent('BBB', 'SELL', 50)], checked)).toHaveLength(2);
    expect(onlyChecked([intent('AAA', 'BUY', 40)], checked)).toHaveLength(1);
  });

  it('refuses a larger quantity, another side or a symbol that was not checked', () => {
    expect(() => onlyChecked([intent('AAA', 'BUY', 101)], checked)).toThrow(/AAA was not in the list/);
    expect(() => onlyChecked([intent('AAA', 'SELL', 10)], checked)).toThrow(/pre-trade/);
    expect(() => onlyChecked([intent('CCC', 'BUY', 1)], checked)).toThrow(/CCC/);
  });

  it('without pre-trade checks there is nothing to compare', () => {
    expect(onlyChecked([intent('CCC', 'BUY', 1)], null)).toHaveLength(1);
  });
});
