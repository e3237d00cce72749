import type { Consequence } from '../writes/consequence';
import type { SegmentEvaluator } from './segment-evaluator';

/**
 * Every write's touches re-evaluated in its own transaction, so a membership is never out of step with the data it
 * was decided on; the changes join the write's effects, for the outbox and the feed.
 */
export const segmentReevaluation = (evaluator: SegmentEvaluator): Consequence => ({
  name: 'segment re-evaluation',
  stage: 'derive',
  async inTransaction(tx, effects) {
    effects.membershipsChanged(await evaluator.evaluateIn(tx, effects.touches));
  },
});
