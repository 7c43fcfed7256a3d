import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{controllerRef}from"./chunk-HW3MWZR2.mjs";import"./chunk-WSIGMG6H.mjs";import{parseFlagsOnly}from"./chunk-AJVHAJQR.mjs";import"./chunk-FOWQOWEU.mjs";import{UsageError}from"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";import{hostname}from"node:os";var usage=`Usage: loadtest agent --controller URL --token T [--id NAME] [--max-vus N]

Stays connected to a controller ('loadtest serve'), takes shards of its queued runs
through the worker protocol, reconnects when the controller restarts, and on SIGTERM
stops its shard (sending the partial result) and exits 0.

Options:
  --controller <url>  The controller (or env LOADTEST_CONTROLLER)
  --token <token>     Its token (or env LOADTEST_TOKEN)
  --id <name>         Agent id, unique among the agents (default: <hostname>-<pid>)
  --max-vus <n>       Most VUs this agent takes on (default: 1000 per core)
`,AGENT_FLAGS={controller:{type:"string"},token:{type:"string"},id:{type:"string"},"max-vus":{type:"string"}},command={name:"agent",summary:"Serve a controller's runs as a long-lived agent",usage,async run(argv,io){let values=parseFlagsOnly("agent",argv,AGENT_FLAGS),ref=controllerRef(values,io.env,"agent"),id=values.id??`${hostname().replace(/[^A-Za-z0-9._:@-]/g,"-")}-${process.pid}`;if(!/^[A-Za-z0-9._:@-]{1,128}$/.test(id))throw new UsageError(`--id: use letters, digits and . _ : @ - (got '${id}')`);let raw=values["max-vus"],maxVus=raw===void 0?void 0:Number(raw);if(maxVus!==void 0&&!(Number.isInteger(maxVus)&&maxVus>0))throw new UsageError(`--max-vus: must be a positive whole number (got '${raw}')`);let{runAgent}=await import("./agent-GNDWZVKI.mjs");io.stdout.write(`agent ${id}: serving ${ref.url}
`);let out=await runAgent({controller:ref.url,token:ref.token,id,capacity:maxVus?{maxVus}:void 0,signal:io.signal,log:l=>io.stderr.write(`${l}
`)});return io.stdout.write(`agent ${id}: stopped after ${out.runs} run(s)
`),0}};export{AGENT_FLAGS,command};
