// The drawing pad's strokes -> a 280 x 280 greyscale image, pixel for pixel as Pillow draws them in
// notebooks/drawing_pad.py's rasterise(): every stroke a line `brush` pixels wide (ImageDraw.line,
// joint="curve"), plus a filled circle of diameter `brush` on every point (ImageDraw.ellipse).
// Ported from Pillow 13's src/libImaging/Draw.c (ImagingDrawWideLine, polygon_generic, ellipseNew),
// including where it rounds and where it computes in 32-bit floats (Math.fround). The joints that
// joint="curve" adds lie inside those circles for the pad's brush (tests/test_site_pad.py checks
// random drawings against Pillow), so they are not drawn twice here.

const f32 = Math.fround;
const roundUp = (v) => (v >= 0 ? Math.floor(v + 0.5) : -Math.floor(Math.abs(v) + 0.5));
const roundDown = (v) => (v >= 0 ? Math.ceil(v - 0.5) : -Math.ceil(Math.abs(v) - 0.5));
const roundUpF = (v) => (v >= 0 ? Math.floor(f32(v + 0.5)) : -Math.floor(f32(Math.abs(v) + 0.5)));
const roundDownF = (v) => (v >= 0 ? Math.ceil(f32(v - 0.5)) : -Math.ceil(f32(Math.abs(v) - 0.5)));
const roundf = (v) => (v >= 0 ? Math.floor(v + 0.5) : -Math.floor(-v + 0.5));  // C roundf: half away from zero

function hline(image, size, x0, y, x1) {
  if (y < 0 || y >= size) return;
  if (x0 < 0) x0 = 0; else if (x0 >= size) return;
  if (x1 < 0) return; else if (x1 >= size) x1 = size - 1;
  if (x0 <= x1) image.fill(0, y * size + x0, y * size + x1 + 1);
}

function addEdge(x0, y0, x1, y1) {
  const edge = { xmin: Math.min(x0, x1), xmax: Math.max(x0, x1), ymin: Math.min(y0, y1),
                 ymax: Math.max(y0, y1), x0, y0, dx: 0 };
  if (y0 !== y1) edge.dx = f32(f32(x1 - x0) / (y1 - y0));
  return edge;
}

const edgeX = (edge, y) => f32(f32((y - edge.y0) * edge.dx) + edge.x0);

function fillPolygon(image, size, edges) {  // polygon_generic, for an 8-bit image without alpha
  let ymin = size - 1, ymax = 0;
  const table = [];
  for (const edge of edges) {
    ymin = Math.min(ymin, edge.ymin);
    ymax = Math.max(ymax, edge.ymax);
    if (edge.ymin === edge.ymax) { hline(image, size, edge.xmin, edge.ymin, edge.xmax); continue; }
    table.push(edge);
  }
  ymin = Math.max(ymin, 0);
  ymax = Math.min(ymax, size);
  for (let y = ymin; y <= ymax; y++) {
    const xs = [];
    table.forEach((current, i) => {
      if (y < current.ymin || y > current.ymax) return;
      xs.push(edgeX(current, y));
      if (y === current.ymax && y < ymax) {
        xs.push(xs[xs.length - 1]);
      } else if ((y === current.ymin || y === current.ymax) && current.dx !== 0) {
        for (let k = 0; k < i; k++) {  // connect discontiguous corners
          const other = table[k];
          if ((y !== other.ymin && y !== other.ymax) || other.dx === 0) continue;
          if (roundf(xs[xs.length - 1]) !== roundf(edgeX(other, y))) continue;
          const offset = y === current.ymax ? -1 : 1;
          const adjacent = edgeX(current, y + offset);
          if (y + offset >= other.ymin && y + offset <= other.ymax) {
            const adjacentOther = edgeX(other, y + offset);
            const last = xs[xs.length - 1];
            if (last > adjacent + 1 && last > adjacentOther + 1) {
              xs[xs.length - 1] = f32(roundf(Math.max(adjacent, adjacentOther)) + 1);
            } else if (last < adjacent - 1 && last < adjacentOther - 1) {
              xs[xs.length - 1] = f32(roundf(Math.min(adjacent, adjacentOther)) - 1);
            }
            break;
          }
        }
      }
    });
    xs.sort((a, b) => a - b);
    for (let i = 1; i < xs.length; i += 2) hline(image, size, roundUpF(xs[i - 1]), y, roundDownF(xs[i]));
  }
}

function wideLine(image, size, x0, y0, x1, y1, width) {  // ImagingDrawWideLine
  const dx = x1 - x0, dy = y1 - y0;
  if (dx === 0 && dy === 0) {
    if (x0 >= 0 && x0 < size && y0 >= 0 && y0 < size) image[y0 * size + x0] = 0;
    return;
  }
  const big = Math.hypot(dx, dy);
  const small = (width - 1) / 2.0;
  const ratioMax = roundUp(small) / big, ratioMin = roundDown(small) / big;
  const dxmin = roundDown(ratioMin * dy), dxmax = roundDown(ratioMax * dy);
  const dymin = roundDown(ratioMin * dx), dymax = roundDown(ratioMax * dx);
  const v = [[x0 - dxmin, y0 + dymax], [x1 - dxmin, y1 + dymax], [x1 + dxmax, y1 - dymin], [x0 + dxmax, y0 - dymin]];
  fillPolygon(image, size, [0, 1, 2, 3].map((i) => addEdge(...v[i], ...v[(i + 1) % 4])));
}

function* quarter(a, b) {  // quarter_init / quarter_next: a quarter ellipse on the doubled grid
  if (a < 0 || b < 0) return;
  const a2 = a * a, b2 = b * b, a2b2 = a2 * b2;
  const delta = (x, y) => Math.abs(a2 * y * y + b2 * x * x - a2b2);
  let cx = a, cy = b % 2;
  const ex = a % 2, ey = b;
  for (;;) {
    yield [cx, cy];
    if (cx === ex && cy === ey) return;
    let nx = cx, ny = cy + 2;
    let ndelta = delta(nx, ny);
    if (nx > 1) {
      let newdelta = delta(cx - 2, cy + 2);
      if (ndelta > newdelta) { nx = cx - 2; ny = cy + 2; ndelta = newdelta; }
      newdelta = delta(cx - 2, cy);
      if (ndelta > newdelta) { nx = cx - 2; ny = cy; }
    }
    cx = nx; cy = ny;
  }
}

function filledEllipse(image, size, x0, y0, x1, y1) {  // ellipseNew with fill
  const a = x1 - x0, b = y1 - y0;
  if (a < 0 || b < 0) return;
  const width = a + b;
  const leftmost = a % 2;
  const outer = quarter(a, b), inner = quarter(a - 2 * (width - 1), b - 2 * (width - 1));
  let step = outer.next();
  if (width < 1 || step.done) return;
  let [pr, py] = step.value;
  let pl = leftmost, finished = false;
  const segments = [];
  while (!finished) {
    const y = py, r = pr;
    let l = pl;
    while (!(step = outer.next()).done && step.value[1] <= y) { /* skip */ }
    if (step.done) finished = true; else [pr, py] = step.value;
    let innerStep;
    while (!(innerStep = inner.next()).done && innerStep.value[1] <= y) l = innerStep.value[0];
    pl = innerStep.done ? leftmost : innerStep.value[0];
    if ((l > 0 || l < r) && y > 0) segments.push([l === 0 ? 2 : l, y, r]);
    if (y > 0) segments.push([-r, y, -l]);
    if (l > 0 || l < r) segments.push([l === 0 ? 2 : l, -y, r]);
    segments.push([-r, -y, -l]);
  }
  const half = (v) => Math.trunc(v / 2);
  for (const [X0, Y, X1] of segments) hline(image, size, x0 + half(X0 + a), y0 + half(Y + b), x0 + half(X1 + a));
}

export function rasterise(strokes, size = 280, brush = 20) {
  const image = new Uint8Array(size * size).fill(255);
  const width = Math.round(brush), radius = brush / 2;
  for (const points of strokes) {
    if (!points.length) continue;
    for (let i = 0; i + 1 < points.length; i++) {
      const [xa, ya] = points[i], [xb, yb] = points[i + 1];
      wideLine(image, size, Math.trunc(xa), Math.trunc(ya), Math.trunc(xb), Math.trunc(yb), width);
    }
    for (const [x, y] of points) {
      filledEllipse(image, size, Math.trunc(x - radius), Math.trunc(y - radius),
                    Math.trunc(x + radius), Math.trunc(y + radius));
    }
  }
  return image;
}
