import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{MIN_INTERVALS,compareResults}from"./chunk-M6DUHBWT.js";import"./chunk-6ZEQW72H.js";import"./chunk-BV3XFL6S.js";export{MIN_INTERVALS,compareResults};
