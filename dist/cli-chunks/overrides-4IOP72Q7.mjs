import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{applyOverrides}from"./chunk-35LEU2IV.mjs";import"./chunk-AGKJ4EB3.mjs";import"./chunk-FIQ2PMKJ.mjs";import"./chunk-45ZWWMJN.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";export{applyOverrides};
