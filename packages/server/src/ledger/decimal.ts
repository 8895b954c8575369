/**
 * Exact decimal amounts (PROTOCOL.md §10): a decimal string is held as a BigInt count of
 * 10^-precision units, so no value ever passes through a binary float.
 */

export const DEFAULT_PRECISION = 8;
export const MAX_PRECISION = 18;
/** Digits on either side of the point: keeps stored strings bounded whatever a client sends. */
const MAX_INTEGER_DIGITS = 30;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Why a string is not an amount; the caller names the field. */
export class DecimalFormatError extends Error {}

function checkPrecision(precision: number): void {
  if (!Number.isInteger(precision) || precision < 0 || precision > MAX_PRECISION) {
    throw new RangeError(`precision must be an integer from 0 to ${MAX_PRECISION}`);
  }
}

/**
 * Parses `-?digits(.digits)?` into units of 10^-precision. Exponents, signs other than a
 * leading '-', spaces and a bare '.' are refused; trailing zeros past the precision are
 * harmless ("1.500000000" is 1.5), other digits past it are refused, never rounded.
 */
export function parseUnits(text: string, precision = DEFAULT_PRECISION): bigint {
  checkPrecision(precision);
  const match = DECIMAL.exec(text);
  if (!match) throw new DecimalFormatError('must be a decimal number such as "1.5"');
  const [, sign = '', integer = '', rawFraction = ''] = match;
  const fraction = rawFraction.replace(/0+$/, '');
  if (fraction.length > precision) throw new DecimalFormatError(`has more than ${precision} decimal places`);
  if (integer.replace(/^0+/, '').length > MAX_INTEGER_DIGITS) throw new DecimalFormatError('is too large');
  const units = BigInt(integer) * 10n ** BigInt(precision) + BigInt(fraction.padEnd(precision, '0') || '0');
  return sign === '-' ? -units : units;
}

/** The canonical string: no leading or trailing zeros, no '.' for whole numbers, "0" for zero (never "-0"). */
export function formatUnits(units: bigint, precision = DEFAULT_PRECISION): string {
  checkPrecision(precision);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(precision + 1, '0');
  const integer = digits.slice(0, digits.length - precision);
  const fraction = digits.slice(digits.length - precision).replace(/0+$/, '');
  const body = fraction ? `${integer}.${fraction}` : integer;
  return negative ? `-${body}` : body;
}

/** Validates and rewrites a decimal string canonically ("01.50" becomes "1.5"). */
export function canonical(text: string, precision = DEFAULT_PRECISION): string {
  return formatUnits(parseUnits(text, precision), precision);
}

export function addDecimal(a: string, b: string, precision = DEFAULT_PRECISION): string {
  return formatUnits(parseUnits(a, precision) + parseUnits(b, precision), precision);
}

export function subDecimal(a: string, b: string, precision = DEFAULT_PRECISION): string {
  return formatUnits(parseUnits(a, precision) - parseUnits(b, precision), precision);
}

/** -1, 0 or 1, as a sort comparator expects. */
export function compareDecimal(a: string, b: string, precision = DEFAULT_PRECISION): -1 | 0 | 1 {
  const difference = parseUnits(a, precision) - parseUnits(b, precision);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}
