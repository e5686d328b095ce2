export {runBench} from './bench';
export {BENCH_MODELS, BENCH_WORKLOADS, TFJS_SUBMIT_BATCH} from './bench-options';
export type {BenchModel, BenchWorkload, BenchOptions} from './bench-options';
export {compareBenchResults, formatBenchResults, parsePeerResult} from './bench-report';
export type {BenchResults, PeerResult} from './bench-report';
