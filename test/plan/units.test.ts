/** Durations, sizes and "did you mean" — one parser for plan, flags and action inputs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean, durationProblem, editDistance, parseDurationMs, parseSizeBytes } from '../../src/plan/units.js';

test('durations: accepted forms → ms', () => {
  const table: [string, number][] = [
    ['0s', 0],
    ['250ms', 250],
    ['1.5s', 1500],
    ['30s', 30_000],
    ['120s', 120_000],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['0.5ms', 0.5],
    [' 10s ', 10_000],
    ['1s500ms', 1500],
  ];
  for (const [text, ms] of table) assert.equal(parseDurationMs(text), ms, text);
});

test('durations: refused forms, each with a reason', () => {
  const table: [string, RegExp][] = [
    ['30', /needs a unit/],
    ['1.5', /needs a unit/],
    ['-5s', /must not be negative/],
    ['30 seconds', /must be a duration like/],
    ['5 s', /must be a duration like/],
    ['s', /must be a duration like/],
    ['', /must be a duration like/],
    ['1d', /must be a duration like/],
    ['10S', /must be a duration like/],
    ['1m30', /must be a duration like/],
  ];
  for (const [text, re] of table) {
    assert.equal(parseDurationMs(text), undefined, text);
    assert.match(durationProblem(text), re, text);
  }
});

test('sizes → bytes', () => {
  const table: [string | number, number | undefined][] = [
    ['1MiB', 1_048_576],
    ['512KB', 512_000],
    ['512KiB', 524_288],
    ['2MB', 2_000_000],
    ['1GiB', 1_073_741_824],
    ['1.5KiB', 1536],
    ['100B', 100],
    ['100', 100],
    [4096, 4096],
    ['1 MiB', 1_048_576],
    ['1mib', 1_048_576],
    ['1 megabyte', undefined],
    ['-1KB', undefined],
    [-5, undefined],
    [1.5, undefined],
    ['MiB', undefined],
  ];
  for (const [text, bytes] of table) assert.equal(parseSizeBytes(text), bytes, String(text));
});

test('edit distance and did-you-mean', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('same', 'same'), 0);
  assert.equal(didYouMean('durration', ['duration', 'start_time']), 'duration');
  assert.equal(didYouMean('treshold', ['thresholds', 'target']), 'thresholds');
  assert.equal(didYouMean('VSU', ['type', 'vus']), 'vus');
  assert.equal(didYouMean('completely_different', ['type', 'vus']), undefined);
  assert.equal(didYouMean('x', []), undefined);
});
