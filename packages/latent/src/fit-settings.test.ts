import {BadConfigError, FIT_DEFAULTS, resolveFitSettings} from './index';

// resolveFitSettings alone (no backend): every refusal by its whole message and class, and each
// limit on both sides of its edge, so a limit that moves by one (≥ → >) fails here.
describe('resolveFitSettings', () => {
  const refused = (options: Parameters<typeof resolveFitSettings>[0], message: string) => {
    let caught: unknown;
    try {
      resolveFitSettings(options);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BadConfigError);
    expect((caught as Error).message).toBe(`fitRepresentations: ${message}`);
  };

  it.each([
    [{maxSteps: -1}, 'maxSteps must be an integer ≥ 0, got -1'],
    [{maxSteps: 1.5}, 'maxSteps must be an integer ≥ 0, got 1.5'],
    [{batchSize: 0}, 'batchSize must be an integer ≥ 1, got 0'],
    [{restarts: 0}, 'restarts must be an integer ≥ 1, got 0'],
    [{seed: 0.5}, 'seed must be an integer, got 0.5'],
    [{init: 'uniform' as never}, "init must be 'normal' or 'zeros', got 'uniform'"],
    [{initStd: -0.001}, 'initStd must be a number ≥ 0, got -0.001'],
    [{initStd: NaN}, 'initStd must be a number ≥ 0, got NaN'],
    [{initStd: Infinity}, 'initStd must be a number ≥ 0, got Infinity'],
    [{adaptiveRate: {grow: 0.999}}, 'adaptiveRate.grow must be ≥ 1, got 0.999'],
    [{adaptiveRate: {grow: Infinity}}, 'adaptiveRate.grow must be ≥ 1, got Infinity'],
    [{adaptiveRate: {shrink: 0}}, 'adaptiveRate.shrink must lie in (0, 1], got 0'],
    [{adaptiveRate: {shrink: 1.001}}, 'adaptiveRate.shrink must lie in (0, 1], got 1.001'],
    [{adaptiveRate: {maxFactor: 0.999}}, 'adaptiveRate.maxFactor must be ≥ 1, got 0.999'],
    [{adaptiveRate: {maxFactor: NaN}}, 'adaptiveRate.maxFactor must be ≥ 1, got NaN'],
    [{convergence: {patience: 0}}, 'convergence.patience must be an integer ≥ 1, got 0'],
    [{convergence: {tolerance: -0.001}}, 'convergence.tolerance must lie in [0, 1), got -0.001'],
    [{convergence: {tolerance: 1}}, 'convergence.tolerance must lie in [0, 1), got 1'],
    [{convergence: {tolerance: NaN}}, 'convergence.tolerance must lie in [0, 1), got NaN'],
    [{optimizer: {kind: 'adam' as const, learningRate: 0.01}, adaptiveRate: {}},
      "adaptiveRate needs an SGD optimizer, got 'adam' (Adam adapts its steps already)"],
  ] as [Parameters<typeof resolveFitSettings>[0], string][])('refuses %j', (options, message) => refused(options, message));

  it('accepts every limit at its edge', () => {
    const s = resolveFitSettings({maxSteps: 0, batchSize: 1, restarts: 1, seed: -3, initStd: 0,
      adaptiveRate: {grow: 1, shrink: 1, maxFactor: 1}, convergence: {patience: 1, tolerance: 0}});
    expect(s).toMatchObject({maxSteps: 0, batchSize: 1, restarts: 1, seed: -3, initStd: 0,
      adaptiveRate: {grow: 1, shrink: 1, maxFactor: 1}, convergence: {patience: 1, tolerance: 0}});
    expect(resolveFitSettings({adaptiveRate: {shrink: 1e-9}, convergence: {tolerance: 0.999}}))
      .toMatchObject({adaptiveRate: {shrink: 1e-9}, convergence: {tolerance: 0.999}});
  });

  it('fills what is left out from the defaults; an SGD optimizer becomes per-row (sparse); Adam turns the adaptive rate off', () => {
    expect(resolveFitSettings({})).toEqual(FIT_DEFAULTS);
    expect(resolveFitSettings({adaptiveRate: {grow: 2}}).adaptiveRate).toEqual({...FIT_DEFAULTS.adaptiveRate as object, grow: 2});
    expect(resolveFitSettings({convergence: {patience: 9}}).convergence).toEqual({...FIT_DEFAULTS.convergence as object, patience: 9});
    expect(resolveFitSettings({optimizer: {kind: 'sgd', learningRate: 0.3}}).optimizer).toMatchObject({kind: 'sgd', learningRate: 0.3, semantics: 'sparse'});
    const adam = resolveFitSettings({optimizer: {kind: 'adam', learningRate: 0.01}});
    expect(adam.optimizer.kind).toBe('adam');
    expect(adam.adaptiveRate).toBe(false);
    expect(resolveFitSettings({adaptiveRate: false, convergence: false})).toMatchObject({adaptiveRate: false, convergence: false});
  });

  it('the old plateau option still maps onto the convergence rule; plateau false turns it off', () => {
    expect(resolveFitSettings({plateau: {patience: 4, minRelativeImprovement: 0.01}}).convergence).toEqual({patience: 4, tolerance: 0.01});
    expect(resolveFitSettings({plateau: false}).convergence).toBe(false);
  });
});
