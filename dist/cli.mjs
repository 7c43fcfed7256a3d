import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{ExitCode,isLtError}from"./cli-chunks/chunk-JNDT772M.mjs";import"./cli-chunks/chunk-CHI5CAXD.mjs";var commands={run:async()=>(await import("./cli-chunks/run-DYLTDG2L.mjs")).command,validate:async()=>(await import("./cli-chunks/validate-PXNW74WZ.mjs")).command,demo:async()=>(await import("./cli-chunks/demo-BRQC4EJA.mjs")).command,report:async()=>(await import("./cli-chunks/report-XE2WLPSF.mjs")).command,compare:async()=>(await import("./cli-chunks/compare-Y53NCGKQ.mjs")).command,"demo-target":async()=>(await import("./cli-chunks/demo-target-BZ24XM5J.mjs")).command,coordinator:async()=>(await import("./cli-chunks/coordinator-FNZJQAJK.mjs")).command,worker:async()=>(await import("./cli-chunks/worker-CDD5RK7O.mjs")).command,serve:async()=>(await import("./cli-chunks/serve-U6IWOMOH.mjs")).command,agent:async()=>(await import("./cli-chunks/agent-7QLSXMFW.mjs")).command,status:async()=>(await import("./cli-chunks/status-5CCDC374.mjs")).command,agents:async()=>(await import("./cli-chunks/status-5CCDC374.mjs")).agentsCommand,runs:async()=>(await import("./cli-chunks/status-5CCDC374.mjs")).runsCommand};var HELP=names=>`loadtest \u2014 distributed HTTP load testing for CI

Usage: loadtest <command> [options]

Commands: ${names.join(", ")}
Run 'loadtest <command> --help' for a command's options.
`;async function main(argv,io){let[name,...rest]=argv;if(!name||name==="--help"||name==="-h"||name==="help"){let lines=await Promise.all(Object.entries(commands).map(async([n,load2])=>`  ${n.padEnd(14)}${(await load2()).summary}`));return io.stdout.write(HELP(Object.keys(commands))+`
`+lines.join(`
`)+`
`),name?ExitCode.passed:ExitCode.usage}if(name==="--version"||name==="-v")return io.stdout.write(`${process.env.LOADTEST_VERSION??"0.1.0"}
`),ExitCode.passed;let load=commands[name];if(!load)return io.stderr.write(`loadtest: unknown command '${name}' (commands: ${Object.keys(commands).join(", ")})
`),ExitCode.usage;let command=await load();if(rest.includes("--help")||rest.includes("-h"))return io.stdout.write(command.usage.endsWith(`
`)?command.usage:command.usage+`
`),ExitCode.passed;try{return await command.run(rest,io)}catch(err){if(isLtError(err))return io.stderr.write(`loadtest ${name}: ${err.message}
`),err.exitCode;let e=err;return io.stderr.write(`loadtest ${name}: internal error: ${e?.message??String(err)}
`),io.env.LOADTEST_DEBUG&&io.stderr.write(`${e?.stack??""}
`),ExitCode.internal}}function isEntry(){let entry=process.argv[1]??"";return/(?:cli\.m?js|main\.ts|loadtest(?:\.js)?)$/.test(entry)}if(isEntry()){let controller=new AbortController,signals=0,onSignal=sig=>{signals++,signals>1&&process.exit(ExitCode.aborted),process.stderr.write(`
loadtest: ${sig} received, stopping (partial results will be written; press again to quit now)
`),controller.abort(new Error(`${sig}`))};process.on("SIGINT",onSignal),process.on("SIGTERM",onSignal);let io={stdout:process.stdout,stderr:process.stderr,signal:controller.signal,env:process.env,cwd:process.cwd()};main(process.argv.slice(2),io).then(code=>{process.exitCode=code,process.off("SIGINT",onSignal),process.off("SIGTERM",onSignal)},err=>{process.stderr.write(`loadtest: internal error: ${err?.message??err}
`),process.exitCode=ExitCode.internal})}export{main};
