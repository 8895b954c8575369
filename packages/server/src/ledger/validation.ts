import { isUuid } from '@signet/protocol';
import { InvalidField } from '../errors/platform.js';
import { DecimalFormatError, MAX_PRECISION, parseUnits } from './decimal.js';

/** A UUID field, lower-cased so that lookups and trace-id comparisons match however a client spelled it. */
export function requireUuid(field: string, value: unknown): string {
  if (!isUuid(value)) throw new InvalidField(field, 'must be a UUID');
  return value.toLowerCase();
}

/** A transfer or deposit amount: a decimal string (never a JSON number: floats are not exact), positive, within the precision. */
export function parsePositiveAmount(value: unknown, precision: number): bigint {
  if (typeof value !== 'string') throw new InvalidField('amount', 'must be a decimal string such as "1.5"');
  let units: bigint;
  try {
    units = parseUnits(value, precision);
  } catch (error) {
    if (error instanceof DecimalFormatError) throw new InvalidField('amount', error.message);
    throw error;
  }
  if (units <= 0n) throw new InvalidField('amount', 'must be positive');
  return units;
}

export const MAX_MEMO_LENGTH = 140;

export function validateMemo(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new InvalidField('memo', 'must be a string');
  if ([...value].length > MAX_MEMO_LENGTH)
    throw new InvalidField('memo', `must be at most ${MAX_MEMO_LENGTH} characters`);
  return value;
}

export function validateSymbol(value: string): string {
  if (!/^[A-Za-z0-9]{1,16}$/.test(value)) throw new InvalidField('symbol', 'must be 1-16 letters or digits');
  return value;
}

export function validateAssetName(value: string): string {
  const name = value.trim();
  if (name.length < 1 || name.length > 64) throw new InvalidField('name', 'must be 1-64 characters');
  return name;
}

export function validatePrecision(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_PRECISION) {
    throw new InvalidField('precision', `must be an integer from 0 to ${MAX_PRECISION}`);
  }
  return value;
}
