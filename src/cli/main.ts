#!/usr/bin/env node
console.log("wirestate: the demo is not built yet. `npm test` runs the test suite.");
