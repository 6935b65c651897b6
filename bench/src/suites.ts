/**
 * The benchmark suites `npm run bench` runs, in order. To add one, write a module whose default export
 * is a `BenchSuite` (suite.ts) and add its path here: one line.
 */
export const SUITE_MODULES: readonly string[] = [
  "./wire-suite.js",
  "./tcp-suite.js",
  "./api-suite.js",
  "./connections-suite.js",
  "./scale-suite.js",
  "./session-suite.js",
  "./path-suite.js",
  "./memory-suite.js",
  "./flood-suite.js",
];
