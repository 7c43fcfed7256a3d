import { inflateSync, deflateSync, inflateRawSync, deflateRawSync } from 'node:zlib';
const small = deflateSync(Buffer.alloc(20)); const smallRaw = deflateRawSync(Buffer.alloc(20));
const R=5000; let t=performance.now(); for(let i=0;i<R;i++) inflateSync(small); console.log('inflateSync tiny µs', ((performance.now()-t)/R*1000).toFixed(1));
t=performance.now(); for(let i=0;i<R;i++) inflateRawSync(smallRaw); console.log('inflateRawSync tiny µs', ((performance.now()-t)/R*1000).toFixed(1));
t=performance.now(); for(let i=0;i<R;i++) deflateSync(Buffer.alloc(20)); console.log('deflateSync tiny µs', ((performance.now()-t)/R*1000).toFixed(1));
