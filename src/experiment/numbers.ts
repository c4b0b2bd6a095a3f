/** Numbers as people type them, in either of the page's languages. */

/**
 * A finite decimal number from text, or null: digits with an optional decimal point or comma
 * ("0.008" and Swedish "0,008" alike) and an optional exponent ("1e-3"). Hexadecimal, binary,
 * "Infinity", thousands separators and anything else Number() would stretch to take are refused,
 * so the command line, the page and its links accept exactly the same numbers.
 */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  if (t === '' || t.length > 30 || !/^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}
