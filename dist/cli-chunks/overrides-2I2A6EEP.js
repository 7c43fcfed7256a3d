import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{applyOverrides}from"./chunk-BFUTRHLU.js";import"./chunk-BV3XFL6S.js";export{applyOverrides};
