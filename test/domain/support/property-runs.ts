/**
 * How many cases a property test runs. Each test keeps its own default (what `npm test` runs);
 * `TIERFLOW_PROPERTY_RUNS` replaces it, so `npm run mutation`, which runs the tests once per
 * mutant, can run a few hundred cases instead of ten thousand.
 */
export function propertyRuns(defaultRuns: number): number {
  const text = process.env.TIERFLOW_PROPERTY_RUNS?.trim();
  if (!text) return defaultRuns;
  const runs = Number(text);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new RangeError(`TIERFLOW_PROPERTY_RUNS must be a positive whole number, not "${text}"`);
  return runs;
}
