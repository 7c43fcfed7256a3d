import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{startDemoTarget}from"./chunk-YF6BITDQ.mjs";import"./chunk-I4C56DTG.mjs";import{parseFlagsOnly}from"./chunk-AJVHAJQR.mjs";import{UsageError}from"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";var DEFAULT_PORT=8080;function parsePort(raw){if(raw===void 0)return DEFAULT_PORT;let n=Number(raw);if(!/^\d+$/.test(raw.trim())||n>65535)throw new UsageError(`--port must be an integer from 0 to 65535 (got '${raw}')`);return n}var command={name:"demo-target",summary:"Serve the built-in demo target (fast/slow/flaky/stall endpoints, a demo shop)",usage:`Usage: loadtest demo-target [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--quiet]

Serves the demo target until interrupted (Ctrl-C / SIGTERM). With the default host it
answers on 127.0.0.1 and ::1, so http://localhost:${DEFAULT_PORT} works. --port 0 picks a
free port; the first line printed is 'demo target listening on <url>'.

Endpoints: / /healthz /fast /slow?ms= /flaky?fail=&status= /stall?every=&for=
/latency?ladder=10x50,30x40 /status/<code> /bytes?n= /redirect?to= /headers /echo
/cookies/set?name=&value=&path=&domain=&max_age= /cookies /api/users /api/orders
/api/checkout /api/reports/summary, and the shop: /shop/login /shop/products
/shop/cart /shop/checkout /shop/logout (user demo, password demo).
`,async run(argv,io){let values=parseFlagsOnly("demo-target",argv,{port:{type:"string",short:"p"},host:{type:"string"},quiet:{type:"boolean"}}),port=parsePort(values.port),host=values.host;if(host!==void 0&&host.trim()==="")throw new UsageError("--host must not be empty");let target=await startDemoTarget({port,host,quiet:!!values.quiet});io.stdout.write(`demo target listening on ${target.url}
`);try{await new Promise(resolve=>{if(io.signal.aborted)return resolve();io.signal.addEventListener("abort",()=>resolve(),{once:!0})})}finally{await target.close()}return values.quiet||io.stderr.write(`demo target stopped
`),0}};export{command};
