// The must-not-compile corpus: every offending line carries `// @ts-expect-error`; if one ever compiles,
// tsc fails with TS2578 ("Unused '@ts-expect-error' directive"). API and session cases live beside this file.
// @ts-expect-error a string is not a number
export const notANumber: number = "wirestate";
