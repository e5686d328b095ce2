// One bench job in its own process (spawned by `runBench`): the job as JSON in argv, one
// report per line on stdout, so a job killed at its budget loses only what it had not reported.
import {BENCH_MARK} from './bench';
import {runBenchJob, type BenchJob} from './run-bench-job';

runBenchJob(JSON.parse(process.argv[2]) as BenchJob, (r) => process.stdout.write(`${BENCH_MARK}${JSON.stringify(r)}\n`)).then(
  () => { process.exitCode = 0; },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
