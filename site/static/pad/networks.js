// The shipped networks' forward pass, for exactly the layers they use (tools/export_pad_weights.py
// writes them: layers as JSON, weights as float32). Tensors are flat Float64Arrays in Keras's
// channels-last order, with their shape alongside. Keras computes in float32, this in float64:
// the ten probabilities agree to about 1e-7 (tests/test_site_pad.py).

export async function loadNetwork(url) {
  const record = await (await fetch(url)).json();
  const buffer = await (await fetch(url.replace(/\.json$/, ".bin"))).arrayBuffer();
  const all = new Float32Array(buffer);
  for (const layer of record.layers) {
    layer.arrays = layer.weights.map(({ shape, offset }) =>
      all.subarray(offset, offset + shape.reduce((a, b) => a * b, 1)));
  }
  return record;
}

const ACTIVATIONS = {
  linear: (x) => x,
  relu: (x) => x.map((v) => (v > 0 ? v : 0)),
  softmax: (x) => {
    const most = Math.max(...x);
    const e = x.map((v) => Math.exp(v - most));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  },
};

function activate(name, x) {
  if (!ACTIVATIONS[name]) throw new Error(`the pad has no activation ${name}`);
  return ACTIVATIONS[name](x);
}

function dense(x, [kernel, bias], units) {  // kernel (inputs, units)
  const out = new Float64Array(units);
  for (let j = 0; j < units; j++) out[j] = bias ? bias[j] : 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v === 0) continue;
    const row = i * units;
    for (let j = 0; j < units; j++) out[j] += v * kernel[row + j];
  }
  return out;
}

function conv2d(x, [h, w, c], [kernel, bias], [kh, kw, , filters]) {  // 'valid', stride 1
  const oh = h - kh + 1, ow = w - kw + 1;
  const out = new Float64Array(oh * ow * filters);
  for (let y = 0; y < oh; y++) {
    for (let xx = 0; xx < ow; xx++) {
      const o = (y * ow + xx) * filters;
      if (bias) for (let f = 0; f < filters; f++) out[o + f] = bias[f];
      for (let dy = 0; dy < kh; dy++) {
        for (let dx = 0; dx < kw; dx++) {
          const i = ((y + dy) * w + xx + dx) * c;
          const k = (dy * kw + dx) * c * filters;
          for (let ch = 0; ch < c; ch++) {
            const v = x[i + ch];
            if (v === 0) continue;
            const kk = k + ch * filters;
            for (let f = 0; f < filters; f++) out[o + f] += v * kernel[kk + f];
          }
        }
      }
    }
  }
  return [out, [oh, ow, filters]];
}

function maxpool2(x, [h, w, c]) {
  const oh = Math.floor(h / 2), ow = Math.floor(w / 2);
  const out = new Float64Array(oh * ow * c);
  for (let y = 0; y < oh; y++) {
    for (let xx = 0; xx < ow; xx++) {
      for (let ch = 0; ch < c; ch++) {
        let most = -Infinity;
        for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) most = Math.max(most, x[((2 * y + dy) * w + 2 * xx + dx) * c + ch]);
        out[(y * ow + xx) * c + ch] = most;
      }
    }
  }
  return [out, [oh, ow, c]];
}

function batchnorm(x, [gamma, beta, mean, variance], epsilon) {  // inference: moving mean and variance
  const c = gamma.length;
  return x.map((v, i) => {
    const ch = i % c;
    return ((v - mean[ch]) / Math.sqrt(variance[ch] + epsilon)) * gamma[ch] + beta[ch];
  });
}

// The ten probabilities `network` gives one 28 x 28 image of pixel values 0-255 (as prepareDigit returns it).
export function predict(network, pixels) {
  let x = Float64Array.from(pixels);
  let shape = [...network.input_shape];
  for (const layer of network.layers) {
    const { kind, arrays } = layer;
    if (kind === "reshape") {
      shape = layer.shape[0] === -1 ? [x.length] : [...layer.shape];
    } else if (kind === "rescaling") {
      x = x.map((v) => v * layer.scale + layer.offset);
    } else if (kind === "dense") {
      const units = layer.weights[0].shape[1];
      x = activate(layer.activation, dense(x, layer.bias ? arrays : [arrays[0], null], units));
      shape = [units];
    } else if (kind === "conv2d") {
      const [out, outShape] = conv2d(x, shape, layer.bias ? arrays : [arrays[0], null], layer.weights[0].shape);
      x = activate(layer.activation, out);
      shape = outShape;
    } else if (kind === "maxpool2") {
      [x, shape] = maxpool2(x, shape);
    } else if (kind === "batchnorm") {
      x = batchnorm(x, arrays, layer.epsilon);
    } else if (kind === "activation") {
      x = activate(layer.activation, x);
    } else {
      throw new Error(`the pad has no layer of kind ${kind}`);
    }
  }
  return Array.from(x);
}
