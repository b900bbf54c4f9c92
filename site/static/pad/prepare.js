// The pad's image -> MNIST's 28 x 28 format, step for step as notebooks/mnist_helpers prepares it
// (to_grey, normalise_polarity, remove_background, crop_and_thicken, fit_in_frame), with the same
// NumPy and Pillow arithmetic: Pillow's resampling (src/libImaging/Resample.c) in 32-bit floats,
// NumPy's percentile, histogram, pairwise sums and round-half-to-even. Images are
// {width, height, data: Float64Array}, row by row. Errors are thrown as they are raised in Python.

const f32 = Math.fround;

// ---- NumPy ----
function roundHalfEven(v) {  // Python's round() and np.round()
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function pairwiseSum(a, start = 0, n = a.length) {  // numpy's pairwise_sum (float64)
  if (n < 8) {
    let s = -0.0;
    for (let i = start; i < start + n; i++) s += a[i];
    return s;
  }
  if (n <= 128) {
    const r = [];
    for (let j = 0; j < 8; j++) r.push(a[start + j]);
    let i;
    for (i = 8; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    let s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) s += a[start + i];
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

function lerp(a, b, t) {  // numpy's _lerp
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

// np.percentile(values, q) ("linear") for values in [0, 1], without sorting them all: a histogram of
// 4,096 bins finds the bin of each value needed, and only that bin is sorted.
function percentiles(values) {
  const bins = 4096, counts = new Int32Array(bins), bin = (v) => Math.min(bins - 1, Math.floor(v * bins));
  for (let i = 0; i < values.length; i++) counts[bin(values[i])]++;
  const sortedBins = new Map();
  function nth(rank) {  // the value at position `rank` of the sorted values
    let b = 0, before = 0;
    while (before + counts[b] <= rank) before += counts[b++];
    if (!sortedBins.has(b)) {
      const inBin = new Float64Array(counts[b]);
      let j = 0;
      for (let i = 0; i < values.length; i++) if (bin(values[i]) === b) inBin[j++] = values[i];
      sortedBins.set(b, inBin.sort());
    }
    return sortedBins.get(b)[rank - before];
  }
  const n = values.length;
  return {
    percentile(q) {
      const index = (q / 100) * (n - 1), below = Math.floor(index);
      return lerp(nth(below), nth(Math.min(below + 1, n - 1)), index - below);
    },
    // of 1 - values, whose order is the reverse: the same numbers as computing 1 - v first
    invertedPercentile(q) {
      const index = (q / 100) * (n - 1), below = Math.floor(index);
      return lerp(1.0 - nth(n - 1 - below), 1.0 - nth(n - 1 - Math.min(below + 1, n - 1)), index - below);
    },
  };
}

function median(values) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length, half = n >> 1;
  return n % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

function share(values, test) {  // np.mean(test(values))
  let count = 0;
  for (let i = 0; i < values.length; i++) if (test(values[i])) count++;
  return count / values.length;
}

// ---- Pillow: Image.fromarray(float32).resize(size, filter), src/libImaging/Resample.c ----
const FILTERS = {
  box: { support: 0.5, f: (x) => (x > -0.5 && x <= 0.5 ? 1.0 : 0.0) },
  lanczos: { support: 3.0, f: (x) => (-3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0) },
};
function sinc(x) {
  if (x === 0.0) return 1.0;
  x = x * Math.PI;
  return Math.sin(x) / x;
}

function coefficients(inSize, outSize, filter) {  // precompute_coeffs
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1.0);
  const support = filter.support * filterscale;
  const invFilterscale = 1.0 / filterscale;
  const out = [];
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    const k = new Float64Array(xmax);
    let ww = 0.0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.f((x + xmin - center + 0.5) * invFilterscale);
      k[x] = w;
      ww += w;
    }
    if (ww !== 0.0) for (let x = 0; x < xmax; x++) k[x] /= ww;
    out.push({ xmin, k });
  }
  return out;
}

export function resize(image, width, height, filterName) {
  const filter = FILTERS[filterName];
  let { width: w, height: h } = image;
  let data = Float32Array.from(image.data);  // Image.fromarray(array.astype(np.float32))
  if (width !== w) {  // horizontal pass first
    const coeffs = coefficients(w, width, filter);
    const out = new Float32Array(width * h);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < width; xx++) {
        const { xmin, k } = coeffs[xx];
        let ss = 0.0;
        for (let x = 0; x < k.length; x++) ss += data[y * w + x + xmin] * k[x];
        out[y * width + xx] = ss;
      }
    }
    data = out;
    w = width;
  }
  if (height !== h) {
    const coeffs = coefficients(h, height, filter);
    const out = new Float32Array(w * height);
    for (let yy = 0; yy < height; yy++) {
      const { xmin: ymin, k } = coeffs[yy];
      for (let x = 0; x < w; x++) {
        let ss = 0.0;
        for (let y = 0; y < k.length; y++) ss += data[(y + ymin) * w + x] * k[y];
        out[yy * w + x] = ss;
      }
    }
    data = out;
    h = height;
  }
  return { width: w, height: h, data: Float64Array.from(data) };
}

function sizeForLongSide(width, height, longSide) {
  const scale = longSide / Math.max(width, height);
  return [Math.max(1, roundHalfEven(width * scale)), Math.max(1, roundHalfEven(height * scale))];
}

// ---- mnist_helpers.images.to_grey, for a uint8 greyscale array ----
export function toGrey(pixels, width, height) {
  const data = new Float64Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) data[i] = Math.min(1, Math.max(0, pixels[i] / 255.0));
  const grey = { width, height, data };
  if (Math.max(width, height) <= 256) return grey;
  return resize(grey, ...sizeForLongSide(width, height, 256), "box");
}

// ---- mnist_helpers.digits ----
function border({ width, height, data }) {
  const values = [];
  for (let x = 0; x < width; x++) values.push(data[x]);
  for (let x = 0; x < width; x++) values.push(data[(height - 1) * width + x]);
  for (let y = 0; y < height; y++) values.push(data[y * width]);
  for (let y = 0; y < height; y++) values.push(data[y * width + width - 1]);
  return values;
}

export function normalisePolarity(grey) {
  let data = grey.data;
  const edge = border(grey);
  let background = median(edge);
  const plain = share(edge, (v) => Math.abs(v - background) < 0.1) >= 0.9;
  if (!plain) {
    const darker = share(data, (v) => v < background - 0.1);
    const brighter = share(data, (v) => v > background + 0.1);
    if (Math.min(darker, brighter) > 0.001) background = median(data);
  }
  const order = percentiles(data);
  const darker = background - order.percentile(0.05);
  const brighter = order.percentile(99.95) - background;
  let ink;
  if (darker > brighter) {  // dark ink on light paper: invert
    data = data.map((v) => 1.0 - v);
    background = 1.0 - background;
    ink = order.invertedPercentile(99.95);
  } else {
    ink = order.percentile(99.95);
  }
  if (ink - background < 0.15) {
    throw new Error(`image looks blank: no ink stands out from the background (contrast ${(ink - background).toFixed(2)} on a 0-1 scale)`);
  }
  return { ...grey, data: data.map((v) => Math.min(1, Math.max(0, (v - background) / (ink - background)))) };
}

function otsuThreshold(values) {  // np.histogram(values, bins=64, range=(0, 1)) and Otsu's method
  const bins = 64, edges = Array.from({ length: bins + 1 }, (_, i) => i / bins);
  const counts = new Array(bins).fill(0);
  for (const v of values) {
    if (v < 0 || v > 1) continue;
    let i = Math.trunc((v - 0) * bins);
    if (i === bins) i -= 1;
    if (v < edges[i]) i -= 1;
    if (v >= edges[i + 1] && i !== bins - 1) i += 1;
    counts[i] += 1;
  }
  const centres = counts.map((_, i) => (edges[i] + edges[i + 1]) / 2);
  const weightLow = [], massLow = [];
  let w = 0, m = 0;
  for (let i = 0; i < bins; i++) { w += counts[i]; m += counts[i] * centres[i]; weightLow.push(w); massLow.push(m); }
  let best = -Infinity, bestIndex = 0;
  for (let i = 0; i < bins; i++) {
    const weightHigh = w - weightLow[i];
    const meanLow = massLow[i] / Math.max(weightLow[i], 1);
    const meanHigh = (m - massLow[i]) / Math.max(weightHigh, 1);
    const between = weightLow[i] * weightHigh * (meanLow - meanHigh) ** 2;
    if (between > best) { best = between; bestIndex = i; }
  }
  return edges[bestIndex + 1];
}

function labelRegions(mask, width, height) {  // 8-neighbour connected regions: labels and sizes
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const sizes = [0];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = sizes.length;
    labels[start] = label;
    stack[0] = start;
    let top = 1, size = 0;
    while (top) {
      const p = stack[--top], y = (p / width) | 0, x = p - y * width;
      size++;
      for (let ny = Math.max(y - 1, 0); ny <= Math.min(y + 1, height - 1); ny++) {
        for (let nx = Math.max(x - 1, 0); nx <= Math.min(x + 1, width - 1); nx++) {
          const q = ny * width + nx;
          if (mask[q] && !labels[q]) {
            labels[q] = label;
            stack[top++] = q;
          }
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

function cutOffByTheEdge(labels, count, width, height) {  // per label: does the picture's edge cut it off?
  const onEdge = new Array(count).fill(0), top = new Array(count).fill(height), bottom = new Array(count).fill(-1);
  const left = new Array(count).fill(width), right = new Array(count).fill(-1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const label = labels[y * width + x];
      if (!label) continue;
      if (y === 0 || y === height - 1 || x === 0 || x === width - 1) onEdge[label]++;
      if (y < top[label]) top[label] = y;
      if (y > bottom[label]) bottom[label] = y;
      if (x < left[label]) left[label] = x;
      if (x > right[label]) right[label] = x;
    }
  }
  return onEdge.map((n, label) => label > 0 && n >= 0.4 * 2 * ((bottom[label] - top[label] + 1) + (right[label] - left[label] + 1)));
}

function grow(mask, width, height, steps) {  // widen a mask by `steps` pixels (4-neighbours)
  for (let s = 0; s < steps; s++) {
    const out = new Uint8Array(mask.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        out[p] = mask[p] || (y > 0 && mask[p - width]) || (y < height - 1 && mask[p + width])
          || (x > 0 && mask[p - 1]) || (x < width - 1 && mask[p + 1]) ? 1 : 0;
      }
    }
    mask = out;
  }
  return mask;
}

export function removeBackground(ink) {
  const { width, height, data } = ink;
  const threshold = otsuThreshold(data);
  const above = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) above[i] = data[i] > threshold ? 1 : 0;
  const { labels, sizes } = labelRegions(above, width, height);
  const inside = sizes.slice();
  const cutOff = cutOffByTheEdge(labels, sizes.length, width, height);
  for (const label of new Set(border({ width, height, data: labels }))) if (cutOff[label]) inside[label] = 0;
  const kept = Math.max(...inside) > 0 ? inside : sizes;
  const largest = Math.max(...kept);
  const keep = kept.map((size, label) => label > 0 && size >= 0.1 * largest);
  let mask = new Uint8Array(labels.length), keptPixels = 0;
  for (let i = 0; i < labels.length; i++) if (keep[labels[i]]) { mask[i] = 1; keptPixels++; }
  const fraction = keptPixels / mask.length;
  if (fraction > 0.5) throw new Error(`ink covers ${Math.round(fraction * 100)}% of the image; expected one digit on a plain background`);
  mask = grow(mask, width, height, 2);
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) if (mask[i]) out[i] = data[i];
  return { width, height, data: out };
}

export function cropAndThicken(ink) {
  const { width, height, data } = ink;
  let top = height, bottom = -1, left = width, right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x] === 0) continue;
      top = Math.min(top, y); bottom = Math.max(bottom, y); left = Math.min(left, x); right = Math.max(right, x);
    }
  }
  const w = right - left + 1, h = bottom - top + 1;
  let digit = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) digit[y * w + x] = data[(y + top) * width + x + left];
  let area = 0, edge = 0;
  const on = (x, y) => x >= 0 && x < w && y >= 0 && y < h && digit[y * w + x] > 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!on(x, y)) continue;
      area++;
      if (!(on(x, y - 1) && on(x, y + 1) && on(x - 1, y) && on(x + 1, y))) edge++;
    }
  }
  const stroke = (2.0 * area) / Math.max(edge, 1);
  const scale = 20 / Math.max(w, h);
  if (stroke * scale >= 2.0 * 0.75) return { width: w, height: h, data: digit };
  const g = Math.ceil((2.0 / scale - stroke) / 2);  // pad by g, then Pillow's MaxFilter(2g + 1) in float32
  const pw = w + 2 * g, ph = h + 2 * g;
  const padded = new Float32Array(pw * ph);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) padded[(y + g) * pw + x + g] = digit[y * w + x];
  const out = new Float64Array(pw * ph);
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      let most = -Infinity;
      for (let yy = Math.max(0, y - g); yy <= Math.min(ph - 1, y + g); yy++) {
        for (let xx = Math.max(0, x - g); xx <= Math.min(pw - 1, x + g); xx++) most = Math.max(most, padded[yy * pw + xx]);
      }
      out[y * pw + x] = most;
    }
  }
  return { width: pw, height: ph, data: out };
}

export function fitInFrame(digit) {
  const [w, h] = sizeForLongSide(digit.width, digit.height, 20);
  const small = resize(digit, w, h, "lanczos");
  const frame = new Float64Array(28 * 28);
  const top = Math.floor((28 - h) / 2), left = Math.floor((28 - w) / 2);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) frame[(y + top) * 28 + x + left] = Math.max(small.data[y * w + x], 0.0);
  const total = pairwiseSum(frame);
  const ys = frame.map((v, i) => Math.floor(i / 28) * v), xs = frame.map((v, i) => (i % 28) * v);
  const clip = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const shiftY = clip(roundHalfEven(14 - pairwiseSum(ys) / total), -top, 28 - (top + h));
  const shiftX = clip(roundHalfEven(14 - pairwiseSum(xs) / total), -left, 28 - (left + w));
  const rolled = new Float64Array(28 * 28);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) rolled[((y + shiftY + 28) % 28) * 28 + ((x + shiftX + 28) % 28)] = frame[y * 28 + x];
  }
  const most = Math.max(...rolled);
  return Uint8Array.from(rolled, (v) => roundHalfEven((v / most) * 255));
}

export function prepareDigit(pixels, width, height) {
  return fitInFrame(cropAndThicken(removeBackground(normalisePolarity(toGrey(pixels, width, height)))));
}
