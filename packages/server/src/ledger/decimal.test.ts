import { describe, expect, it } from 'vitest';
import { addDecimal, canonical, compareDecimal, formatUnits, parseUnits, subDecimal } from './decimal.js';

describe('exact decimal amounts', () => {
  it('adds without binary rounding: 0.1 + 0.2 is exactly 0.3', () => {
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(subDecimal('0.3', '0.1')).toBe('0.2');
    expect(addDecimal('99999999999999999999.99999999', '0.00000001')).toBe('100000000000000000000');
  });

  it('writes one canonical form: no leading or trailing zeros, "0" for zero, never "-0"', () => {
    expect(canonical('01.50')).toBe('1.5');
    expect(canonical('1.00000000')).toBe('1');
    expect(canonical('0.00000000')).toBe('0');
    expect(canonical('-0')).toBe('0');
    expect(canonical('-0.010')).toBe('-0.01');
    expect(canonical('000')).toBe('0');
    expect(formatUnits(-1n)).toBe('-0.00000001');
    expect(formatUnits(123n, 0)).toBe('123');
  });

  it('keeps to the precision: more decimals are refused, never rounded; zeros past it are harmless', () => {
    expect(parseUnits('0.00000001')).toBe(1n);
    expect(() => parseUnits('0.000000001')).toThrow(/more than 8 decimal places/);
    expect(parseUnits('1.5000000000')).toBe(150_000_000n);
    expect(parseUnits('1.25', 2)).toBe(125n);
    expect(() => parseUnits('1.255', 2)).toThrow(/more than 2/);
    expect(() => parseUnits('1.5', 0)).toThrow();
    expect(parseUnits('7', 0)).toBe(7n);
  });

  it('refuses what is not a plain decimal: exponents, floats printed by JavaScript, signs, spaces', () => {
    for (const text of [
      '1e-7',
      String(0.0000001),
      '1E3',
      '+1',
      ' 1',
      '1 ',
      '1.',
      '.5',
      '',
      '-',
      '0x10',
      '1,5',
      'NaN',
      'Infinity',
      '--1',
      '١',
    ]) {
      expect(() => parseUnits(text), text).toThrow();
    }
    expect(() => parseUnits('1'.repeat(31))).toThrow(/too large/);
  });

  it('compares exactly', () => {
    expect(compareDecimal('0.3', addDecimal('0.1', '0.2'))).toBe(0);
    expect(compareDecimal('0.00000001', '0')).toBe(1);
    expect(compareDecimal('-1', '0.5')).toBe(-1);
    expect(['10', '9.99', '-2', '0'].sort((a, b) => compareDecimal(a, b))).toEqual(['-2', '0', '9.99', '10']);
  });
});
