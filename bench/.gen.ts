import { writeFileSync } from 'node:fs';
import { Recorder } from '../src/metrics/recorder.js';
let seed=11; const rnd=()=>((seed=(seed*1103515245+12345)&0x7fffffff)/0x7fffffff);
const layout=['browse','checkout'].map((name)=>({name,steps:['list','item','buy']}));
const out=[]; for (let w=0;w<256;w++){ const rec=new Recorder({scenarios:layout,intervalMs:1000,startAtMs:0}); const steps=layout.flatMap(s=>s.steps.map(st=>rec.stepKey(s.name,st)));
for(let i=0;i<2000;i++){ const l=Math.round(200*Math.pow(2500,rnd())); rec.request(steps[i%6],{latencyUs:l,serviceUs:l-5,ttfbUs:l-10,status:200,bytesIn:1,bytesOut:1}); if(i%3===2) rec.iteration(rec.scenarioKey(layout[i%2].name), l*3);} out.push(rec.cut(10)); }
writeFileSync('/tmp/snaps.json', JSON.stringify(out));
