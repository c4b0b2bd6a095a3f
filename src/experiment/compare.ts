/**
 * Tolerance checks that say what they saw: |actual - expected| <= atol + rtol |expected|,
 * with the largest difference and a table of the failing indices.
 */

/** The outcome of comparing two arrays elementwise. */
export interface Closeness {
  ok: boolean;
  maxAbs: number;
  maxRel: number;
  failures: number;
  report: string;
}

/** Compares `actual` to `expected` within atol + rtol |expected|; NaN never passes. */
export function closeness(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, label = 'values'): Closeness {
  if (actual.length !== expected.length) {
    return { ok: false, maxAbs: Infinity, maxRel: Infinity, failures: 1, report: `${label}: length ${actual.length}, expected ${expected.length}` };
  }
  let maxAbs = 0;
  let maxRel = 0;
  const bad: string[] = [];
  let failures = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const diff = Math.abs(a - e);
    if (!(diff <= atol + rtol * Math.abs(e))) {
      failures++;
      if (bad.length < 10) bad.push(`  [${i}] actual ${a}  expected ${e}  |diff| ${diff.toExponential(3)}`);
    }
    if (Number.isFinite(diff)) {
      maxAbs = Math.max(maxAbs, diff);
      if (e !== 0) maxRel = Math.max(maxRel, diff / Math.abs(e));
    } else {
      maxAbs = Infinity;
    }
  }
  const head = `${label}: ${expected.length} compared, max |diff| ${maxAbs.toExponential(3)}, max rel ${maxRel.toExponential(3)} (atol ${atol}, rtol ${rtol})`;
  return {
    ok: failures === 0,
    maxAbs,
    maxRel,
    failures,
    report: failures === 0 ? head : `${head}\n${failures} outside tolerance:\n${bad.join('\n')}`,
  };
}

/** Whether two runs' per-epoch loss and val_loss agree within `rtol` (the engine tests' 1e-3 by default). */
export function compareRuns(
  a: { history: { loss: number[]; valLoss: (number | null)[] } },
  b: { history: { loss: number[]; valLoss: (number | null)[] } },
  rtol = 1e-3,
): { ok: boolean; maxRel: number; detail: string } {
  const loss = closeness(a.history.loss, b.history.loss, 0, rtol, 'loss');
  const val = closeness(
    a.history.valLoss.map((v) => v ?? 0),
    b.history.valLoss.map((v) => v ?? 0),
    0,
    rtol,
    'val_loss',
  );
  return {
    ok: loss.ok && val.ok,
    maxRel: Math.max(loss.maxRel, val.maxRel),
    detail:
      loss.ok && val.ok
        ? `every epoch within ${rtol} rel`
        : [loss, val]
            .filter((c) => !c.ok)
            .map((c) => c.report)
            .join('\n'),
  };
}
