// Child process of run-tfjs-specs.mjs: runs one spec bundle under jasmine 3 (in file order, as
// tfjs's own runner does) and writes every spec's full name, status and first failure message
// as JSON to the path given second; the third is each spec's timeout in ms. Its own exit code
// says only whether it could run at all.
const {writeFileSync} = require('node:fs');
const {resolve} = require('node:path');
const Jasmine = require('jasmine');

const [bundle, resultPath, timeoutMs] = process.argv.slice(2);
const runner = new Jasmine();
runner.exitOnCompletion = false;
runner.randomizeTests(false);
runner.jasmine.DEFAULT_TIMEOUT_INTERVAL = Number(timeoutMs);
runner.clearReporters();
const specs = [];
const firstMessage = (result) => result.failedExpectations[0]?.message.split('\n')[0] ?? '';
runner.addReporter({
  specDone: (result) => specs.push({name: result.fullName, status: result.status, message: firstMessage(result), ms: result.duration}),
  // An error in a beforeAll/afterAll belongs to no spec: report it as a failing pseudo-spec.
  suiteDone: (result) => {
    if (result.failedExpectations.length > 0) {
      specs.push({name: `${result.fullName} (suite)`, status: 'failed', message: firstMessage(result)});
    }
  },
});
runner.addSpecFile(resolve(bundle));
runner.execute().then((done) => {
  if (done.failedExpectations?.length > 0) {
    specs.push({name: '(top level)', status: 'failed', message: firstMessage(done)});
  }
  writeFileSync(resultPath, JSON.stringify(specs));
}, (err) => {
  console.error(err);
  process.exit(2);
});
