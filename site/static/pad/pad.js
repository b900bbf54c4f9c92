// The website's drawing pad: draw a digit, and when the pen lifts, both shipped networks read it in
// the browser, as notebook 11's pad does with a kernel (notebooks/drawing_pad.py): the same checks
// and messages, the same image (rasterise.js, prepare.js) and the same networks (networks.js).
// window.mnistPad.last holds the last reading, for tests/test_site_pad.py.
import { rasterise } from "./rasterise.js";
import { prepareDigit } from "./prepare.js";
import { loadNetwork, predict } from "./networks.js";

const SIZE = 280, BRUSH = 20;           // drawing_pad.PAD_SIZE and BRUSH
const MIN_EXTENT = 0.2, MAX_INK = 0.4, UNSURE = 0.5;
const NETWORKS = { dense: "dense network", convnet: "convnet" };

function drawingProblem(strokes, image) {  // drawing_pad.drawing_problem
  const points = strokes.flat();
  if (!points.length) return "The pad is empty: draw a digit.";
  const extent = Math.max(...[0, 1].map((axis) =>
    Math.max(...points.map((p) => p[axis])) - Math.min(...points.map((p) => p[axis]))));
  if (extent < MIN_EXTENT * SIZE) {
    return "That is too small to read (a dot or a short dash): draw one digit large, filling most of the pad.";
  }
  const ink = image.reduce((count, v) => count + (v < 128 ? 1 : 0), 0) / image.length;
  if (ink > MAX_INK) {
    return `That is too much ink for one digit (it covers ${Math.round(ink * 100)}% of the pad): press Clear and draw a single digit.`;
  }
  return null;
}

function message(label, probabilities) {  // drawing_pad.classify
  const digit = probabilities.indexOf(Math.max(...probabilities));
  const top = probabilities[digit], percent = Math.round(top * 100);
  return top >= UNSURE ? `The ${label} reads ${digit} (${percent}% sure).`
    : `The ${label} guesses ${digit}, but is unsure (${percent}%): this does not look like any digit it knows well.`;
}

function element(tag, attributes = {}, text = "") {
  const made = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) made.setAttribute(key, value);
  if (text) made.textContent = text;
  return made;
}

function probabilityTable(name) {
  const table = element("table", { class: "mnist-pad-table", "data-testid": `probabilities-${name}` });
  table.append(element("caption", {}, `${NETWORKS[name]}: probability of each digit`));
  const head = element("tr");
  head.append(element("th", { scope: "col" }, "digit"), element("th", { scope: "col" }, "probability"));
  table.append(head);
  for (let digit = 0; digit < 10; digit++) {
    const row = element("tr");
    const bar = element("span", { class: "mnist-pad-bar" });
    const value = element("span", { class: "mnist-pad-value" }, "–");
    const cell = element("td");
    cell.append(bar, value);
    row.append(element("th", { scope: "row" }, String(digit)), cell);
    table.append(row);
  }
  return table;
}

async function start(root) {
  const base = new URL("weights/", import.meta.url);
  const canvas = root.querySelector("canvas.mnist-pad-canvas");
  const preview = root.querySelector("canvas.mnist-pad-preview");
  const status = root.querySelector("[data-testid=pad-status]");
  const answers = Object.fromEntries(Object.keys(NETWORKS).map((name) => {
    const box = root.querySelector(`[data-network=${name}]`);
    const table = probabilityTable(name);
    box.append(table);
    const rows = [...table.querySelectorAll("tr")].slice(1).map((row) => ({
      bar: row.querySelector(".mnist-pad-bar"), value: row.querySelector(".mnist-pad-value") }));
    return [name, { box, table, rows, line: box.querySelector("[data-testid^=answer]") }];
  }));
  const context = canvas.getContext("2d");
  const ratio = window.devicePixelRatio || 1;
  canvas.width = canvas.height = Math.round(SIZE * ratio);
  context.scale(ratio, ratio);

  status.textContent = "Loading the two networks…";
  const networks = {};
  for (const name of Object.keys(NETWORKS)) networks[name] = await loadNetwork(new URL(`${name}.json`, base).href);
  const warmUp = [[[70, 50], [210, 50], [120, 240]]];  // a 7: compile every step before the first drawing
  for (let round = 0; round < 3; round++) {
    const prepared = prepareDigit(rasterise(warmUp, SIZE, BRUSH), SIZE, SIZE);
    for (const name of Object.keys(NETWORKS)) predict(networks[name], prepared);
  }

  let strokes = [], current = null;
  const pad = { strokes: () => strokes, last: null, ready: true };
  window.mnistPad = pad;

  function drawStroke(points) {
    const [x0, y0] = points[0];
    context.beginPath();
    if (points.length === 1) {
      context.arc(x0, y0, BRUSH / 2, 0, 2 * Math.PI);
      context.fill();
      return;
    }
    context.moveTo(x0, y0);
    for (const [x, y] of points.slice(1)) context.lineTo(x, y);
    context.stroke();
  }
  function paint() {
    context.fillStyle = "white";
    context.fillRect(0, 0, SIZE, SIZE);
    context.fillStyle = context.strokeStyle = "black";
    context.lineWidth = BRUSH;
    context.lineCap = context.lineJoin = "round";
    for (const points of strokes) drawStroke(points);
    if (current) drawStroke(current);
  }
  function showPreview(prepared) {  // 28 x 28 canvas pixels, scaled up by CSS
    const small = preview.getContext("2d");
    const image = small.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const grey = prepared ? 255 - prepared[i] : 255;  // ink dark on light, as the notebooks show MNIST ("gray_r")
      image.data.set([grey, grey, grey, 255], 4 * i);
    }
    small.putImageData(image, 0, 0);
  }
  function show(reading) {
    status.textContent = reading.problem || "";
    for (const [name, { table, rows, line }] of Object.entries(answers)) {
      const probabilities = reading.probabilities ? reading.probabilities[name] : null;
      line.textContent = probabilities ? message(NETWORKS[name], probabilities) : "";
      table.dataset.probabilities = JSON.stringify(probabilities);
      rows.forEach(({ bar, value }, digit) => {
        const p = probabilities ? probabilities[digit] : 0;
        bar.style.width = `${(p * 100).toFixed(1)}%`;
        value.textContent = probabilities ? `${(p * 100).toFixed(1)} %` : "–";
      });
    }
    showPreview(reading.prepared);
  }
  function read(started) {
    const steps = { start: performance.now() - started };
    const image = rasterise(strokes, SIZE, BRUSH);
    const reading = { strokes: structuredClone(strokes), problem: drawingProblem(strokes, image),
                      prepared: null, probabilities: null };
    if (!reading.problem) {
      try {
        reading.prepared = prepareDigit(image, SIZE, SIZE);
        steps.prepared = performance.now() - started;
        reading.probabilities = Object.fromEntries(Object.entries(networks).map(
          ([name, network]) => [name, predict(network, reading.prepared)]));
        steps.predicted = performance.now() - started;
      } catch (error) {
        reading.problem = `This drawing cannot be read: ${error.message}`;
      }
    }
    show(reading);
    steps.shown = performance.now() - started;
    reading.steps = steps;  // milliseconds since the pen lifted, for tests/test_site.py's report
    reading.prepared = reading.prepared && Array.from(reading.prepared);
    requestAnimationFrame(() => {  // the answer is on the page at the next frame
      reading.milliseconds = performance.now() - started;
      pad.last = reading;
      root.dataset.readings = String(Number(root.dataset.readings || 0) + 1);
    });
  }

  function position(event) {
    const box = canvas.getBoundingClientRect();
    const clamp = (value) => Math.min(SIZE, Math.max(0, Math.round(value * 10) / 10));
    return [clamp(((event.clientX - box.left) * SIZE) / box.width), clamp(((event.clientY - box.top) * SIZE) / box.height)];
  }
  canvas.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [position(event)];
    paint();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const each of events.length ? events : [event]) {
      const point = position(each);
      const last = current[current.length - 1];
      if (Math.hypot(point[0] - last[0], point[1] - last[1]) >= 1) current.push(point);
    }
    paint();
  });
  const finish = (event) => {
    if (!current) return;
    strokes = [...strokes, current];
    current = null;
    paint();
    read(event.timeStamp);
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  canvas.addEventListener("lostpointercapture", finish);
  root.querySelector("[data-testid=pad-clear]").addEventListener("click", (event) => {
    strokes = [];
    current = null;
    paint();
    read(event.timeStamp);
  });
  paint();
  show({ problem: "Draw a digit on the pad: when you lift the pen, both networks read it.", probabilities: null });
  root.dataset.ready = "true";
}

const root = document.querySelector("#mnist-pad");
if (root) start(root).catch((error) => {
  root.querySelector("[data-testid=pad-status]").textContent = `The pad could not start: ${error.message}`;
});
