import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{parseFlagsOnly}from"./chunk-AJVHAJQR.mjs";import{ExitCode,UsageError}from"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";import{readFileSync}from"node:fs";import{resolve}from"node:path";var usage=`Usage: loadtest worker --relay <url> --token <token> [options]

Joins the run of the coordinator that printed <url> and <token>: registers, takes
its share of the plan, runs it from the common start instant and reports back.
The plan comes from the coordinator; --plan only makes the coordinator refuse this
worker if its own copy differs.

Options:
  --relay <url>        Relay URL printed by 'loadtest coordinator' (required)
  --token <token>      Relay token (or env LOADTEST_RELAY_TOKEN)
  --id <name>          Worker id, unique in the run (default: <hostname>-<pid>)
  --plan <file>        Local copy of the plan, checked against the coordinator's
  --base-dir <dir>     Directory the plan's data files are relative to (default: cwd)
  --max-vus <n>        Most VUs this worker takes on (default: 1000 per core)
  --allow-env <names>  Env names the coordinator's plan may read here (comma-separated;
                       default none: the plan comes from whoever answers at --relay)
  --allow-path <dirs>  Folders besides --base-dir its data files may come from
  --relay-ca <file>    PEM CA certificate to trust for an https:// relay (or set
                       NODE_EXTRA_CA_CERTS)
  --clock-skew-ms <n>  Testing aid: pretend this machine's clock is off by n ms
`,command={name:"worker",summary:"Join a distributed run as a worker",usage,async run(argv,io){let values=parseFlagsOnly("worker",argv,{relay:{type:"string"},token:{type:"string"},id:{type:"string"},plan:{type:"string"},"base-dir":{type:"string"},"max-vus":{type:"string"},"allow-env":{type:"string"},"allow-path":{type:"string"},"relay-ca":{type:"string"},"clock-skew-ms":{type:"string"}},"; the plan comes from the coordinator"),relayUrl=values.relay;if(!relayUrl)throw new UsageError("worker needs --relay <url> (the URL 'loadtest coordinator' printed)");if(!/^https?:\/\/[^/]+/.test(relayUrl))throw new UsageError(`--relay: not an http(s) URL (got '${relayUrl}')`);let token=values.token??io.env.LOADTEST_RELAY_TOKEN;if(!token)throw new UsageError("worker needs --token <token> (or LOADTEST_RELAY_TOKEN)");let int=(name,allowNegative=!1)=>{let raw=values[name];if(raw===void 0)return;let n=Number(raw);if(!Number.isInteger(n)||!allowNegative&&n<=0)throw new UsageError(`--${name}: must be a ${allowNegative?"":"positive "}whole number (got '${raw}')`);return n},maxVus=int("max-vus"),skewMs=int("clock-skew-ms",!0)??0,id=values.id;if(id!==void 0&&!/^[A-Za-z0-9._:@-]{1,128}$/.test(id))throw new UsageError(`--id: use letters, digits and . _ : @ - (got '${id}')`);let{createHttpRelayClient}=await import("./http-relay-client-WDQKZM7I.mjs"),{runWorker}=await import("./worker-2P2P2HYZ.mjs"),{parseEnvNames,parsePaths}=await import("./trust-MHMLWPFE.mjs"),allowEnv=parseEnvNames(values["allow-env"],"--allow-env"),allowPaths=parsePaths(values["allow-path"],io.cwd),ca;if(values["relay-ca"])try{ca=readFileSync(resolve(io.cwd,values["relay-ca"]))}catch(err){throw new UsageError(`--relay-ca: cannot read ${values["relay-ca"]}: ${err.code??err.message}`)}let planHash;if(values.plan){let{loadPlanFile}=await import("./load-AY4WYCKB.mjs");planHash=loadPlanFile(resolve(io.cwd,values.plan),{env:io.env,allowEnv,allowPaths}).hash}let log=line=>io.stderr.write(`${line}
`),parent=new AbortController,parentPiped=io.env.LOADTEST_PARENT_PIPE==="1",onParentGone=()=>parent.abort(new Error("parent process gone"));parentPiped&&(process.stdin.on("end",onParentGone),process.stdin.on("close",onParentGone),process.stdin.resume());try{let out=await runWorker({transport:createHttpRelayClient({url:relayUrl,token,log,ca}),workerId:id,capacity:maxVus?{maxVus}:void 0,planHash,nowMs:skewMs?()=>performance.timeOrigin+performance.now()+skewMs:void 0,env:io.env,allowEnv,allowPaths,baseDir:resolve(io.cwd,values["base-dir"]??"."),signal:AbortSignal.any([io.signal,parent.signal]),giveUpMs:parentPiped?1e4:void 0,log}),c=out.engine.metrics.total.counters;return io.stdout.write(`worker ${out.workerId}: done \u2014 ${c.requests} requests, ${c.errors} errors; clock offset ${out.clock.offsetMs.toFixed(1)} ms
`),out.engine.aborted?.planError?ExitCode.usage:out.engine.aborted?.bySignal?ExitCode.aborted:ExitCode.passed}finally{parentPiped&&(process.stdin.off("end",onParentGone),process.stdin.off("close",onParentGone),process.stdin.pause(),process.stdin.destroy())}}};export{command};
