import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);

// src/cluster/token.ts
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
function newToken() {
  return randomBytes(32).toString("base64url");
}
function tokenMatches(expected, given) {
  if (given === void 0) return false;
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(given).digest();
  return timingSafeEqual(a, b);
}
function bearerOf(header) {
  const h = Array.isArray(header) ? header[0] : header;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h ?? "");
  return m?.[1];
}

export {
  newToken,
  tokenMatches,
  bearerOf
};
