import type {AnyExperiment} from '../sweep/experiment';
import {cifar} from './cifar';
import {mnist} from './mnist';
import {simulated} from './simulated';

/**
 * Every experiment, in the order the help lists them. The command line and the worker threads
 * both find experiments here, so a new experiment is one folder and one line.
 */
export const EXPERIMENTS: readonly AnyExperiment[] = [simulated, mnist, cifar];
