/**
 * Tags as dimensions (issue 14): which (scenario, step) keys carry which tags. A
 * step's tags are its scenario's `tags` overlaid with its own, and they are fixed
 * by the plan, so a tag's figures are the sum of its steps' figures. Step figures
 * already merge exactly across workers (bucket-wise histogram addition), hence so do
 * tag figures, with nothing extra on the wire: the snapshot's per-step sets carry them.
 * Setup and teardown steps are not load and are left out.
 */
import type { Plan, StepNode } from './types.js';

/** One step key and its effective tags. */
export interface TaggedStep {
  scenario: string;
  step: string;
  tags: Record<string, string>;
}

/** A step key (scenario, step name), as the recorder keys it. */
export type StepRef = Pick<TaggedStep, 'scenario' | 'step'>;

/** Every scenario step with its effective tags (steps without tags included, with `{}`). */
export function taggedSteps(plan: Pick<Plan, 'scenarios'>): TaggedStep[] {
  const out: TaggedStep[] = [];
  for (const sc of plan.scenarios) {
    const walk = (nodes: StepNode[]) => {
      for (const n of nodes) {
        if (n.kind === 'group') walk(n.steps);
        else out.push({ scenario: sc.name, step: n.name, tags: { ...sc.tags, ...n.tags } });
      }
    };
    walk(sc.steps);
  }
  return out;
}

/** The steps that carry every tag of `want`, optionally within one scenario and/or step name. */
export function stepsWithTags(steps: readonly TaggedStep[], want: Record<string, string>, scenario?: string, step?: string): StepRef[] {
  return steps
    .filter((s) => (scenario === undefined || s.scenario === scenario) && (step === undefined || s.step === step) && Object.entries(want).every(([k, v]) => s.tags[k] === v))
    .map(({ scenario: sc, step: st }) => ({ scenario: sc, step: st }));
}

/** Tag key → value → the steps carrying it, keys and values in first-seen order. */
export function tagDimensions(steps: readonly TaggedStep[]): Map<string, Map<string, StepRef[]>> {
  const out = new Map<string, Map<string, StepRef[]>>();
  for (const s of steps) {
    for (const [k, v] of Object.entries(s.tags)) {
      let values = out.get(k);
      if (!values) out.set(k, (values = new Map()));
      let refs = values.get(v);
      if (!refs) values.set(v, (refs = []));
      refs.push({ scenario: s.scenario, step: s.step });
    }
  }
  return out;
}

/** `endpoint=users,tier=web`: the canonical text of a tag filter (keys sorted). */
export function tagText(tags: Record<string, string>): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(',');
}
