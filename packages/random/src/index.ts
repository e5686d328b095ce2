export {createRandom, randomNormalArray, BadRandomArgumentError} from './random';
export type {Random} from './random';
