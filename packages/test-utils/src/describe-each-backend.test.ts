import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

// describeEachBackend is about what jest reports, so the suite runs in a child jest and its JSON
// report is read: a broken backend must fail its tests, an absent one must be skipped out loud.
type Report = {testResults: {assertionResults: {fullName: string; status: string; failureMessages: string[]}[]}[]};

/** The fixture suite in a child jest, with `env` added; its stderr, exit status and JSON report. */
function runFixture(env: Record<string, string> = {}) {
  const out = join(mkdtempSync(join(tmpdir(), 'describe-each-backend-')), 'report.json');
  const run = spawnSync(process.execPath, [
    require.resolve('jest/bin/jest'), '--rootDir', join(__dirname, '..'), '--testMatch', '**/fixtures/describe-each-backend.fixture.ts',
    '--json', '--outputFile', out, '--ci',
  ], {encoding: 'utf8', timeout: 60_000, env: {...process.env, ...env}});
  const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
  const test = (backend: string) => report.testResults[0].assertionResults.find((a) => a.fullName.startsWith(`backend ${backend} `))!;
  return {run, test};
}

// The webgpu probe's answer is given (ENCODERLESS_WEBGPU_PROBE), so these do not depend on this machine's GPU.
const NO_GPU = JSON.stringify({absent: 'no adapter (stand-in)'});
const A_GPU = JSON.stringify({adapter: {vendor: 'stand-in'}});

describe('describeEachBackend', () => {
  const {run, test} = runFixture({ENCODERLESS_WEBGPU_PROBE: NO_GPU, ENCODERLESS_TEST_WEBGPU: ''});

  it('a working backend runs its tests', () => {
    expect(test('good').status).toBe('passed');
  });

  it('an installed backend that fails to switch fails its tests, with its error', () => {
    expect(test('broken').status).toBe('failed');
    expect(test('broken').failureMessages.join('\n')).toMatch(/libtensorflow\.so\.2: cannot open shared object file/);
  });

  it('a useBackend that resolves without switching fails the tests', () => {
    expect(test('liar').status).toBe('failed');
    expect(test('liar').failureMessages.join('\n')).toMatch(/useBackend\('liar'\) resolved, but tfjs runs on 'cpu', not 'liar'/);
  });

  it('a name the installed-check does not know is tried, and its error fails the tests', () => {
    expect(test('typo').status).toBe('failed');
    expect(test('typo').failureMessages.join('\n')).toMatch(/unknown backend 'typo'/);
  });

  it('an absent backend is skipped, with the reason printed', () => {
    expect(test('absent').status).toBe('pending');
    expect(test('absent').fullName).toMatch(/skipped: its package is not installed/);
    expect(run.stderr).toMatch(/skipping backend absent: its package is not installed/);
    expect(run.status).toBe(1); // the broken ones fail the run
  });

  it('webgpu, not asked for (no adapter either), is skipped, saying how to run it', () => {
    expect(test('webgpu').status).toBe('pending');
    expect(run.stderr).toMatch(/skipping backend webgpu: the webgpu tests run with ENCODERLESS_TEST_WEBGPU=1/);
  });
});

describe('describeEachBackend and webgpu', () => {
  it('webgpu is skipped unless asked for, saying how to run it, even where there is an adapter', () => {
    const {run, test} = runFixture({ENCODERLESS_WEBGPU_PROBE: A_GPU, ENCODERLESS_TEST_WEBGPU: ''});
    expect(test('webgpu').status).toBe('pending');
    expect(test('webgpu').fullName).toMatch(/skipped: the webgpu tests run with ENCODERLESS_TEST_WEBGPU=1/);
    expect(run.stderr).toMatch(/skipping backend webgpu: the webgpu tests run with ENCODERLESS_TEST_WEBGPU=1/);
  });

  it('with ENCODERLESS_TEST_WEBGPU=1 (CI), webgpu without an adapter fails, naming why', () => {
    const {test} = runFixture({ENCODERLESS_WEBGPU_PROBE: NO_GPU, ENCODERLESS_TEST_WEBGPU: '1'});
    expect(test('webgpu').status).toBe('failed');
    expect(test('webgpu').failureMessages.join('\n')).toMatch(/ENCODERLESS_TEST_WEBGPU=1, but the webgpu backend cannot run here: no adapter \(stand-in\)/);
  });

  it('webgpu with an adapter runs its tests', () => {
    const {test} = runFixture({ENCODERLESS_WEBGPU_PROBE: A_GPU, ENCODERLESS_TEST_WEBGPU: '1'});
    expect(test('webgpu').status).toBe('passed');
  });
});
