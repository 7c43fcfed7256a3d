import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{applyOverrides}from"./chunk-JW4RS45T.mjs";import"./chunk-CHI5CAXD.mjs";export{applyOverrides};
