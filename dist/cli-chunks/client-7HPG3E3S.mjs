import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{callApi,callJson,controllerRef}from"./chunk-HW3MWZR2.mjs";import"./chunk-WSIGMG6H.mjs";import"./chunk-FOWQOWEU.mjs";import"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";export{callApi,callJson,controllerRef};
