/**
 * Exact decimals as scaled bigint integers (DESIGN §5, §6). Money and scores never pass through binary
 * floating point: "88.5" at scale 2 is 8850n, 3000.00 CNY at scale 2 is 300000n fen.
 * Pure domain code: no NestJS, TypeORM or NATS.
 */

export class DecimalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecimalError';
  }
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

function checkScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 0 || scale > 18)
    throw new DecimalError(`scale must be a whole number 0-18, got ${scale}`);
}

/** 10^scale as a bigint. */
export function pow10(scale: number): bigint {
  checkScale(scale);
  return 10n ** BigInt(scale);
}

/**
 * Parses a plain decimal string ("88.5", "-3", "0.01") into an integer scaled by 10^scale.
 * Rejects an empty string, anything that is not digits with an optional leading minus and one decimal point
 * (no spaces, exponents, "+", ".5" or "5."), and more decimals than `scale` (even trailing zeros).
 */
export function parseScaled(s: string, scale: number): bigint {
  checkScale(scale);
  if (typeof s !== 'string' || s.length === 0) throw new DecimalError('a number is required');
  const m = DECIMAL.exec(s);
  if (!m) throw new DecimalError(`"${s}" is not a decimal number`);
  const [, minus, whole, fraction = ''] = m;
  if (fraction.length > scale)
    throw new DecimalError(
      scale === 0
        ? `"${s}" must be a whole number`
        : `"${s}" has more than ${scale} decimal place${scale === 1 ? '' : 's'}`,
    );
  const v = BigInt(whole) * pow10(scale) + BigInt(fraction.padEnd(scale, '0') || '0');
  return minus ? -v : v;
}

/** Like parseScaled but returns null instead of throwing. */
export function tryParseScaled(s: string, scale: number): bigint | null {
  try {
    return parseScaled(s, scale);
  } catch (e) {
    if (e instanceof DecimalError) return null;
    throw e;
  }
}

/** Formats a scaled integer with exactly `scale` decimals: (8850n, 2) → "88.50", (-5n, 2) → "-0.05". */
export function formatScaled(v: bigint, scale: number): string {
  checkScale(scale);
  const negative = v < 0n;
  const abs = negative ? -v : v;
  const digits = abs.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

/**
 * n ÷ d rounded to the nearest integer, halves rounded AWAY FROM ZERO ("half up" as in commercial
 * rounding): 5 ÷ 2 → 3, -5 ÷ 2 → -3, 7 ÷ 3 → 2. The divisor must be positive.
 */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new DecimalError('the divisor must be positive');
  const q = n / d; // truncates toward zero
  const r = n % d; // has the sign of n
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/** Changes the scale of a value, rounding half away from zero when decimals are dropped. */
export function rescale(v: bigint, fromScale: number, toScale: number): bigint {
  if (toScale >= fromScale) return v * pow10(toScale - fromScale);
  return divRoundHalfUp(v, pow10(fromScale - toScale));
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** Keeps v within [lo, hi]. */
export function clampBig(v: bigint, lo: bigint, hi: bigint): bigint {
  return maxBig(lo, minBig(v, hi));
}
