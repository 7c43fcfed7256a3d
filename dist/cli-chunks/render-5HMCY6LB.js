import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  COMMENT_LIMIT,
  SUMMARY_LIMIT,
  chartData,
  comparisonHeadline,
  formatInterval,
  mdCode,
  mdText,
  render,
  renderHtml,
  renderJunit,
  renderMarkdown,
  renderPrComment,
  scriptJson,
  templatesDir
} from "./chunk-L7NII3JH.js";
import "./chunk-KBULCXRD.js";
import "./chunk-IJ6DNMWR.js";
import "./chunk-ACBGIYP4.js";
import "./chunk-L2HGLDIH.js";
import "./chunk-NDBRKXYU.js";
import "./chunk-QE7CO3VA.js";
import "./chunk-45V4WZAN.js";
export {
  COMMENT_LIMIT,
  SUMMARY_LIMIT,
  chartData,
  comparisonHeadline,
  formatInterval,
  mdCode,
  mdText,
  render,
  renderHtml,
  renderJunit,
  renderMarkdown,
  renderPrComment,
  scriptJson,
  templatesDir
};
