// Test fixture for data-parallel training, in plain JavaScript because worker threads cannot
// load TypeScript: data-parallel.test.ts builds these modules in the test's thread, and each
// worker thread builds its replica through `createTinyReplica`.
const tf = require('@tensorflow/tfjs-core');
const {useBackend} = require('@encoderless/backends');
const {createRandom} = require('@encoderless/random');

function uniform(rng, shape, bound) {
  const size = shape.reduce((a, b) => a * b, 1);
  const t = tf.tensor(Float32Array.from({length: size}, () => rng.uniform(-bound, bound)), shape);
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/**
 * z [b, 3] → linear 36 → ReLU → [3, 3, 4] → conv2dTranspose k4 s2 'same' → [6, 6, 2] → sigmoid,
 * times a non-trainable `gain` (state) when `withState`: in inference mode a replica that did
 * not receive the caller's gain would give other outputs.
 */
function createTinyDecoder(seed, withState = false) {
  const rng = createRandom(seed);
  const w = uniform(rng, [3, 36], 0.5), b = uniform(rng, [36], 0.1), f = uniform(rng, [4, 4, 2, 4], 0.3);
  const gain = withState ? tf.variable(tf.scalar(1), false) : undefined;
  return {
    apply: (z) => tf.tidy(() => {
      const h = tf.reshape(tf.relu(tf.add(tf.matMul(z, w), b)), [z.shape[0], 3, 3, 4]);
      const out = tf.sigmoid(tf.conv2dTranspose(h, f, [z.shape[0], 6, 6, 2], 2, 'same'));
      return gain ? tf.mul(out, gain) : out;
    }),
    variables: [w, b, f],
    ...(gain ? {state: [gain]} : {}),
    gain,
  };
}

/** x [b, 6, 6, 2] → conv2d k4 s2 'same' → [3, 3, 4] → ReLU → flatten → linear 3. */
function createTinyEncoder(seed) {
  const rng = createRandom(seed);
  const f = uniform(rng, [4, 4, 2, 4], 0.3), w = uniform(rng, [36, 3], 0.3);
  return {
    apply: (x) => tf.tidy(() => tf.matMul(tf.reshape(tf.relu(tf.conv2d(x, f, 2, 'same')), [x.shape[0], 36]), w)),
    variables: [f, w],
  };
}

/**
 * The replica recipe's function: the backend, then the pair with other initial values than the
 * caller's (the worker copies the caller's). `failOnCall`: the decoder throws on that call;
 * `exitOnCall`: the thread exits there without a word.
 */
async function createTinyReplica(backend, options = {}) {
  await useBackend(backend);
  const decoder = createTinyDecoder(1000, options.withState);
  if (options.failOnCall) {
    let calls = 0;
    const apply = decoder.apply;
    decoder.apply = (z) => {
      if (++calls === options.failOnCall) throw new Error(`tiny replica: call ${calls} fails on purpose`);
      return apply(z);
    };
  }
  if (options.exitOnCall) {
    let calls = 0;
    const apply = decoder.apply;
    decoder.apply = (z) => {
      if (++calls === options.exitOnCall) process.exit(3);
      return apply(z);
    };
  }
  if (options.extraVariable) decoder.variables.push(tf.variable(tf.zeros([2])));
  return {decoder, encoder: createTinyEncoder(1001)};
}

module.exports = {createTinyDecoder, createTinyEncoder, createTinyReplica};
