import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);

// src/engine/journey/random.ts
import { createHash } from "node:crypto";
var TWO_POW_32 = 4294967296;
var Sfc32 = class _Sfc32 {
  a;
  b;
  c;
  d;
  spare = 0;
  hasSpare = false;
  seedText;
  constructor(seedText) {
    this.seedText = seedText;
    const h = createHash("sha256").update(seedText).digest();
    this.a = h.readInt32LE(0);
    this.b = h.readInt32LE(4);
    this.c = h.readInt32LE(8);
    this.d = h.readInt32LE(12);
    for (let i = 0; i < 12; i++) this.next();
  }
  next() {
    const t = (this.a + this.b | 0) + this.d | 0;
    this.d = this.d + 1 | 0;
    this.a = this.b ^ this.b >>> 9;
    this.b = this.c + (this.c << 3) | 0;
    this.c = this.c << 21 | this.c >>> 11;
    this.c = this.c + t | 0;
    return (t >>> 0) / TWO_POW_32;
  }
  int(min, max) {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  normal() {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.next()));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    this.hasSpare = true;
    return r * Math.cos(theta);
  }
  fork(label) {
    return new _Sfc32(`${this.seedText}/${label}`);
  }
};
function createRng(seed) {
  return new Sfc32(String(seed));
}

export {
  createRng
};
