import { readFileSync } from 'node:fs';
import { MetricsAccumulator } from '../src/metrics/merge.js';
const snaps = JSON.parse(readFileSync('/tmp/snaps.json','utf8'));
const acc = new MetricsAccumulator();
for (let k=0;k<4;k++) for (const s of snaps) acc.add({...s, seq: k});
