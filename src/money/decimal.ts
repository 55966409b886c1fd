/**
 * Exact decimal arithmetic on BigInt for quantities, tax rates and exchange rates.
 * Floats never touch money: `0.1 * 3` is not `0.3`, and a cent lost per line adds up.
 */
export type Decimal = { readonly scale: number; readonly units: bigint }

const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d+))?$/

/**
 * Parses a decimal given as a string ("1.25") or a finite number (1.25, taken by its shortest
 * round-trip representation, which is what a person typed). Returns null for anything else.
 */
export function parseDecimal(value: unknown): Decimal | null {
  let text: string
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null
    text = numberToPlainString(value)
  } else if (typeof value === 'string') {
    text = value.trim()
  } else {
    return null
  }
  const match = DECIMAL_PATTERN.exec(text)
  if (!match) return null
  const [, sign, whole, fraction = ''] = match
  const units = BigInt(whole + fraction) * (sign === '-' ? -1n : 1n)
  return normalize({ scale: fraction.length, units })
}

/** Removes trailing zeros so that equal values have one representation ("21.50" → "21.5"). */
function normalize(decimal: Decimal): Decimal {
  let { scale, units } = decimal
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n
    scale -= 1
  }
  return { scale, units }
}

function numberToPlainString(value: number): string {
  const text = String(value)
  if (!/e/i.test(text)) return text
  // Exponent notation (1e-7, 1.5e21): expand it without passing through float arithmetic.
  const [mantissa, exponentText] = text.toLowerCase().split('e')
  const exponent = Number(exponentText)
  const negative = mantissa.startsWith('-')
  const [whole, fraction = ''] = mantissa.replace('-', '').split('.')
  const digits = whole + fraction
  const point = whole.length + exponent
  const plain =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`
  return (negative ? '-' : '') + plain
}

export function decimalToString(decimal: Decimal): string {
  const negative = decimal.units < 0n
  const digits = (negative ? -decimal.units : decimal.units).toString().padStart(decimal.scale + 1, '0')
  const whole = digits.slice(0, digits.length - decimal.scale)
  const fraction = digits.slice(digits.length - decimal.scale)
  return (negative ? '-' : '') + whole + (fraction ? `.${fraction}` : '')
}

/** Canonical text of a decimal input, or null when it is not a decimal. */
export function canonicalDecimal(value: unknown): string | null {
  const decimal = parseDecimal(value)
  return decimal ? decimalToString(decimal) : null
}

/** numerator / denominator rounded half away from zero (the commercial rounding rule). */
export function divideRoundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('Division by zero')
  if (denominator < 0n) return divideRoundHalfAwayFromZero(-numerator, -denominator)
  const negative = numerator < 0n
  const magnitude = negative ? -numerator : numerator
  const rounded = (magnitude * 2n + denominator) / (denominator * 2n)
  return negative ? -rounded : rounded
}

/** integer × decimal, rounded half away from zero to an integer. */
export function multiplyRounded(integer: bigint, decimal: Decimal): bigint {
  return divideRoundHalfAwayFromZero(integer * decimal.units, 10n ** BigInt(decimal.scale))
}

/** Sign of (a − b), exactly. */
export function compareDecimals(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale)
  const left = a.units * 10n ** BigInt(scale - a.scale)
  const right = b.units * 10n ** BigInt(scale - b.scale)
  return left === right ? 0 : left > right ? 1 : -1
}

/** Sign of (decimal − integer), exactly. */
export function compareDecimalToInteger(decimal: Decimal, integer: number): number {
  return compareDecimals(decimal, { scale: 0, units: BigInt(integer) })
}
