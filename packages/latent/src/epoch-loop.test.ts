import {checkEpochOptions, runEpochs} from './epoch-loop';

describe('runEpochs with an AbortSignal', () => {
  it('stops after the batch during which the signal was aborted; the cut epoch is not reported', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    let ended = 0;
    // 10 samples, batch 2: 5 batches per epoch; abort during the 3rd batch of epoch 1.
    const history = await runEpochs({epochs: 4, batchSize: 2, signal: controller.signal}, 10, 1, (indices) => {
      seen.push(indices.length);
      if (seen.length === 5 + 3) controller.abort();
      return 1;
    }, () => { ended++; });
    expect(seen.length).toBe(8);
    expect(history.map((r) => r.epoch)).toEqual([0]);
    expect(ended).toBe(2); // the interrupted epoch still ends: pending epoch-schedule steps are taken
  });

  it('an abort from a timer lands mid-epoch: the loop yields to the event loop between batches', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    let steps = 0;
    const history = await runEpochs({epochs: 1, batchSize: 1, signal: controller.signal}, 100_000, 1, () => {
      steps++;
      const until = performance.now() + 0.5;
      while (performance.now() < until); // a 0.5 ms "training step"
      return 0;
    });
    expect(history).toEqual([]);
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(100_000);
  });

  it('an already aborted signal runs nothing', async () => {
    let steps = 0;
    const history = await runEpochs({epochs: 3, signal: AbortSignal.abort()}, 10, 1, () => ++steps);
    expect(history).toEqual([]);
    expect(steps).toBe(0);
  });

  it('throws naming the option when signal is not an AbortSignal', () => {
    expect(() => checkEpochOptions('trainDecoder', {epochs: 1, signal: 'stop' as unknown as AbortSignal}, 10))
      .toThrow(/trainDecoder: signal must be an AbortSignal/);
  });
});
