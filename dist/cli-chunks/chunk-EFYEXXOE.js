import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);

// src/plan/overrides.ts
function rescale(stages, durationMs) {
  const total = stages.reduce((a, s) => a + s.durationMs, 0);
  if (total === 0) return stages;
  const f = durationMs / total;
  let acc = 0;
  return stages.map((s, i) => {
    const d = i === stages.length - 1 ? durationMs - acc : Math.round(s.durationMs * f);
    acc += d;
    return { durationMs: d, target: s.target };
  });
}
function overrideExecutor(e, o, durationMs) {
  if (e.type === "vus") {
    if (o.vus !== void 0) return { type: "vus", startVus: o.vus, stages: [{ durationMs, target: o.vus }] };
    return o.durationMs !== void 0 ? { ...e, stages: rescale(e.stages, durationMs) } : e;
  }
  if (e.type === "rate") return o.durationMs !== void 0 ? { ...e, stages: rescale(e.stages, durationMs) } : e;
  return {
    ...e,
    vus: o.vus ?? e.vus,
    maxDurationMs: o.durationMs ?? e.maxDurationMs
  };
}
function applyOverrides(plan, o) {
  if (o.vus === void 0 && o.durationMs === void 0 && o.target === void 0) return plan;
  const scenarios = plan.scenarios.map((s) => {
    const durationMs = o.durationMs ?? s.durationMs;
    return { ...s, durationMs, executor: overrideExecutor(s.executor, o, durationMs) };
  });
  return { ...plan, target: o.target ?? plan.target, scenarios };
}

export {
  applyOverrides
};
