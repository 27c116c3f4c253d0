import {
  clampBig,
  DecimalError,
  divRoundHalfUp,
  formatScaled,
  parseScaled,
  rescale,
  tryParseScaled,
} from './decimal';

describe('reading a score or an amount typed as text', () => {
  it.each([
    { text: '88.5', scale: 2, value: 8850n },
    { text: '88.50', scale: 2, value: 8850n },
    { text: '88', scale: 2, value: 8800n },
    { text: '0.01', scale: 2, value: 1n },
    { text: '0', scale: 2, value: 0n },
    { text: '-3', scale: 2, value: -300n },
    { text: '-0.05', scale: 2, value: -5n },
    { text: '3000', scale: 0, value: 3000n },
    { text: '1000000.123456', scale: 6, value: 1000000123456n },
    { text: '007.5', scale: 1, value: 75n },
    { text: '123456789012345678901234567890', scale: 2, value: 12345678901234567890123456789000n },
  ])('"$text" with $scale decimals is read exactly', ({ text, scale, value }) => {
    expect(parseScaled(text, scale)).toBe(value);
  });

  it.each([
    { text: '', why: 'empty' },
    { text: '88.555', why: 'more decimals than allowed' },
    { text: '88.500', why: 'trailing zeros beyond the allowed decimals' },
    { text: 'abc', why: 'not a number' },
    { text: '1e3', why: 'an exponent' },
    { text: ' 88', why: 'surrounding spaces' },
    { text: '+88', why: 'a plus sign' },
    { text: '.5', why: 'no digit before the point' },
    { text: '5.', why: 'no digit after the point' },
    { text: '1,000', why: 'a thousands separator' },
    { text: '--1', why: 'two minus signs' },
  ])('"$text" is refused ($why)', ({ text }) => {
    expect(() => parseScaled(text, 2)).toThrow(DecimalError);
    expect(tryParseScaled(text, 2)).toBeNull();
  });

  it('a whole-number field refuses decimals with a clear message', () => {
    expect(() => parseScaled('1.5', 0)).toThrow('"1.5" must be a whole number');
    expect(() => parseScaled('1.555', 2)).toThrow('"1.555" has more than 2 decimal places');
  });

  it('an impossible scale is a programming error', () => {
    expect(() => parseScaled('1', -1)).toThrow(DecimalError);
    expect(() => parseScaled('1', 1.5)).toThrow(DecimalError);
  });
});

describe('showing a scaled number', () => {
  it.each([
    { value: 8850n, scale: 2, text: '88.50' },
    { value: 300000n, scale: 2, text: '3000.00' },
    { value: 1n, scale: 2, text: '0.01' },
    { value: 0n, scale: 2, text: '0.00' },
    { value: -5n, scale: 2, text: '-0.05' },
    { value: -13200n, scale: 2, text: '-132.00' },
    { value: 42n, scale: 0, text: '42' },
    { value: 1234567n, scale: 6, text: '1.234567' },
  ])('$value at scale $scale reads "$text"', ({ value, scale, text }) => {
    expect(formatScaled(value, scale)).toBe(text);
  });

  it.each(['0.00', '88.50', '-0.05', '123456789.99'])('"%s" survives a round trip', (text) => {
    expect(formatScaled(parseScaled(text, 2), 2)).toBe(text);
  });
});

describe('dividing with commercial rounding (halves away from zero)', () => {
  it.each([
    { n: 5n, d: 2n, q: 3n },
    { n: -5n, d: 2n, q: -3n },
    { n: 7n, d: 3n, q: 2n },
    { n: 8n, d: 3n, q: 3n },
    { n: -7n, d: 3n, q: -2n },
    { n: -8n, d: 3n, q: -3n },
    { n: 14665n, d: 100n, q: 147n },
    { n: 14649n, d: 100n, q: 146n },
    { n: 0n, d: 7n, q: 0n },
    { n: 10n, d: 5n, q: 2n },
  ])('$n ÷ $d rounds to $q', ({ n, d, q }) => {
    expect(divRoundHalfUp(n, d)).toBe(q);
  });

  it.each([0n, -1n])('dividing by %p is refused', (d) => {
    expect(() => divRoundHalfUp(1n, d)).toThrow(DecimalError);
  });

  it('changing scale rounds half up when decimals are dropped and pads when added', () => {
    expect(rescale(884999n, 4, 2)).toBe(8850n);
    expect(rescale(884949n, 4, 2)).toBe(8849n);
    expect(rescale(8850n, 2, 4)).toBe(885000n);
  });

  it('clamping keeps a value within its bounds', () => {
    expect(clampBig(-1n, 0n, 10n)).toBe(0n);
    expect(clampBig(11n, 0n, 10n)).toBe(10n);
    expect(clampBig(5n, 0n, 10n)).toBe(5n);
  });
});
