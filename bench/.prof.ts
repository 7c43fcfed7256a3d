import { HdrCounts, decodeSparse } from '../src/metrics/hdr-counts.js';
import { inflateSync, deflateSync } from 'node:zlib';
let seed=3; const rnd=()=>((seed=(seed*1103515245+12345)&0x7fffffff)/0x7fffffff);
for (const n of [333, 2000]) {
const h=new HdrCounts(); for(let i=0;i<n;i++) h.record(Math.round(200*Math.pow(2500,rnd())));
const enc=h.encode(); const raw=Buffer.from(enc,'base64'); const z=raw.subarray(8); const plain=inflateSync(z);
const R=3000; let t=performance.now(); for(let i=0;i<R;i++) Buffer.from(enc,'base64'); const b64=(performance.now()-t)/R*1000;
t=performance.now(); for(let i=0;i<R;i++) inflateSync(z); const inf=(performance.now()-t)/R*1000;
t=performance.now(); for(let i=0;i<R;i++) decodeSparse(enc); const all=(performance.now()-t)/R*1000;
t=performance.now(); for(let i=0;i<R;i++) h.encode(); const encUs=(performance.now()-t)/R*1000;
t=performance.now(); for(let i=0;i<R;i++) deflateSync(plain); const def=(performance.now()-t)/R*1000;
t=performance.now(); for(let i=0;i<R;i++) deflateSync(plain,{level:1}); const def1=(performance.now()-t)/R*1000;
console.log({n, encLen: enc.length, plain: plain.length, b64, inf, all, encUs, def, def1, def1len: deflateSync(plain,{level:1}).length});
}
