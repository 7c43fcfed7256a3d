import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{MIN_INTERVALS,compareResults}from"./chunk-5VYODQJT.mjs";import"./chunk-IWEMCTZ2.mjs";import"./chunk-CHI5CAXD.mjs";export{MIN_INTERVALS,compareResults};
