import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{readResultFile}from"./chunk-DOMY2IHJ.mjs";import{parseCommandArgs}from"./chunk-AJVHAJQR.mjs";import{writeFileAtomic}from"./chunk-UWGQEH5D.mjs";import{buildTrend,renderHtml,trendMarkdown,trendRun,trendText}from"./chunk-MQZIOWSA.mjs";import"./chunk-RYH4XT65.mjs";import"./chunk-5WTUMBID.mjs";import"./chunk-U6J52COB.mjs";import"./chunk-EMRXSLUD.mjs";import"./chunk-JR5RXT6M.mjs";import"./chunk-REM72CHO.mjs";import"./chunk-EAEPPC47.mjs";import"./chunk-DVBCSMOX.mjs";import{ExitCode,UsageError}from"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";import{basename,resolve}from"node:path";var command={name:"trend",summary:"Show rps, error rate and latency across several results (oldest \u2192 newest)",usage:`Usage: loadtest trend <result.json> <result.json> \u2026 [--format text|md|json] [--report trend.html]

Sorts the results by start time and prints one sparkline row per headline metric
(rps, error_rate, p50, p95, p99), each run labelled by its file name. --format md
prints the PR-comment block, json the figures. --report writes the newest result's
HTML report with a trend chart of all of them. The trend is context: use
'loadtest compare' for a verdict with statistics.
Exit codes: 0; 2 on bad input.
`,async run(argv,io){let{values,positionals}=parseCommandArgs("trend",argv,{format:{type:"string"},report:{type:"string"}});if(positionals.length<2)throw new UsageError(`trend takes at least two result files (got ${positionals.length})`);let format=values.format??"text";if(format!=="text"&&format!=="md"&&format!=="json")throw new UsageError(`--format must be one of text, md, json (got '${format}')`);let loaded=positionals.map(p=>({result:readResultFile(resolve(io.cwd,p)),label:basename(p)})),trend=buildTrend(loaded.map(l=>trendRun(l.result,l.label)));if(format==="json"?io.stdout.write(JSON.stringify(trend,null,2)+`
`):io.stdout.write(format==="md"?trendMarkdown(trend)+`
`:trendText(trend)),values.report){let newest=[...loaded].sort((a,b)=>Date.parse(a.result.run.started_at)-Date.parse(b.result.run.started_at))[loaded.length-1];writeFileAtomic(resolve(io.cwd,values.report),renderHtml(newest.result,{trend}))}return ExitCode.passed}};export{command};
