import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{parseListen}from"./chunk-TJDQUKEL.mjs";import"./chunk-AWGJGNDP.mjs";import{parseFlagsOnly}from"./chunk-AJVHAJQR.mjs";import"./chunk-PCCUBD75.mjs";import"./chunk-UWGQEH5D.mjs";import"./chunk-5WTUMBID.mjs";import"./chunk-45ZWWMJN.mjs";import"./chunk-JR5RXT6M.mjs";import"./chunk-REM72CHO.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";import{resolve}from"node:path";var usage=`Usage: loadtest serve [--listen 127.0.0.1:8700] [--db loadtest.db] [--token T]

The controller: keeps scenarios, runs, their snapshots and results in an SQLite
file, queues runs until enough agents ('loadtest agent') are free, and serves the
REST API (every request needs 'Authorization: Bearer TOKEN'). Prints first:
  controller: http://HOST:PORT token: TOKEN

Options:
  --listen <host:port>  Where to listen (default 127.0.0.1:8700 \u2014 loopback)
  --db <file>           Database file (default loadtest.db; ':memory:' keeps nothing)
  --token <token>       API token (default: env LOADTEST_TOKEN, else a random one)
`,SERVE_FLAGS={listen:{type:"string"},db:{type:"string"},token:{type:"string"}},command={name:"serve",summary:"Run the controller: stored scenarios and runs, REST API, long-lived agents",usage,async run(argv,io){let values=parseFlagsOnly("serve",argv,SERVE_FLAGS),{host,port}=parseListen(values.listen??"127.0.0.1:8700"),db=values.db??"loadtest.db",{startController}=await import("./controller-5DM6MUHZ.mjs"),log=line=>io.stderr.write(`${line}
`),c=await startController({host,port,dbPath:db===":memory:"?db:resolve(io.cwd,db),token:values.token??io.env.LOADTEST_TOKEN,log});return io.stdout.write(`controller: ${c.url} token: ${c.token}
`),log(`agents join with: loadtest agent --controller ${c.url} --token <token>`),await new Promise(r=>io.signal.aborted?r():io.signal.addEventListener("abort",()=>r(),{once:!0})),await c.close(),0}};export{SERVE_FLAGS,command};
