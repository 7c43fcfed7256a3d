import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{callJson,controllerRef}from"./chunk-HW3MWZR2.mjs";import"./chunk-WSIGMG6H.mjs";import{parseCommandArgs,parseFlagsOnly}from"./chunk-AJVHAJQR.mjs";import"./chunk-FOWQOWEU.mjs";import{UsageError}from"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";var common=`  --controller <url>  The controller (or env LOADTEST_CONTROLLER)
  --token <token>     Its token (or env LOADTEST_TOKEN)
  --json              Print the API's JSON as is
`,flags={controller:{type:"string"},token:{type:"string"},json:{type:"boolean"}};function statusText(r){let lines=[`run ${r.id}: ${r.status}${r.reason?` (${r.reason})`:""}`,`plan ${r.plan.file}; ${r.workers} worker(s)${r.agents.length?`: ${r.agents.join(", ")}`:""}`,`created ${r.created_at}; started ${r.started_at??"-"}; ended ${r.ended_at??"-"}`];if(r.summary){let s=r.summary;lines.push(`requests ${s.requests}, errors ${s.errors}, rps ${s.rps.toFixed(1)}, p50 ${s.latency_ms.p50.toFixed(1)} ms, p95 ${s.latency_ms.p95.toFixed(1)} ms, p99 ${s.latency_ms.p99.toFixed(1)} ms`)}for(let t of r.thresholds)lines.push(`threshold ${t.passed?"pass":"FAIL"}: ${t.expression}${t.actual!==void 0?` (actual ${String(t.actual)})`:""}`);return r.verdict&&lines.push(`verdict ${r.verdict}, exit code ${r.exit_code}`),lines.join(`
`)+`
`}var command={name:"status",summary:"Show a run of a controller",usage:`Usage: loadtest status RUN_ID [--controller URL] [--token T] [--json]

Options:
${common}`,async run(argv,io){let{values,positionals}=parseCommandArgs("status",argv,flags);if(positionals.length!==1)throw new UsageError(`status takes exactly one run id (got ${positionals.length})`);let ref=controllerRef(values,io.env,"status"),r=await callJson(ref,"GET",`/runs/${encodeURIComponent(positionals[0])}`);return io.stdout.write(values.json?JSON.stringify(r,null,2)+`
`:statusText(r)),0}},agentsCommand={name:"agents",summary:"List the agents connected to a controller",usage:`Usage: loadtest agents [--controller URL] [--token T] [--json]

Options:
${common}`,async run(argv,io){let values=parseFlagsOnly("agents",argv,flags),ref=controllerRef(values,io.env,"agents"),body=await callJson(ref,"GET","/agents");if(values.json)io.stdout.write(JSON.stringify(body,null,2)+`
`);else{io.stdout.write(`${body.agents.length} agent(s)
`);for(let a of body.agents)io.stdout.write(`${a.id}  ${a.state}  ${a.capacity.cores} cores, max ${a.capacity.maxVus} VUs  last heartbeat ${a.last_heartbeat}
`)}return 0}},runsCommand={name:"runs",summary:"List the runs of a controller",usage:`Usage: loadtest runs [--scenario ID] [--controller URL] [--token T] [--json]

Options:
  --scenario <id>     Only the runs of this scenario
${common}`,async run(argv,io){let values=parseFlagsOnly("runs",argv,{...flags,scenario:{type:"string"}}),ref=controllerRef(values,io.env,"runs"),q=values.scenario?`?scenario=${encodeURIComponent(values.scenario)}`:"",body=await callJson(ref,"GET",`/runs${q}`);if(values.json)io.stdout.write(JSON.stringify(body,null,2)+`
`);else for(let r of body.runs)io.stdout.write(`${r.id}  ${r.status}  ${r.plan.file}  ${r.created_at}${r.verdict?`  ${r.verdict}`:""}
`);return 0}};export{agentsCommand,command,runsCommand,statusText};
