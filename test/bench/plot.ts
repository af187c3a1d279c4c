/**
 * A line chart as a PNG: the chart is drawn as an SVG string (axes, ticks,
 * one polyline per series, a legend) and rasterized by @resvg/resvg-js,
 * which ships prebuilt binaries as npm packages (no Cairo, no browser).
 * Text uses the system's fonts (DejaVu Sans on Debian).
 */
import { Resvg } from '@resvg/resvg-js';

/** One line of the chart. */
export interface Series {
  label: string;
  /** [x, y] points, x ascending. */
  points: Array<[number, number]>;
}

/** What to draw. */
export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Pixels (default 1000 x 600). */
  width?: number;
  height?: number;
}

/** Distinguishable on white, in print and for the common colour blindnesses (Okabe-Ito). */
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000'];

/** A "nice" tick step: 1, 2 or 5 times a power of ten, about `count` ticks over `span`. */
function tickStep(span: number, count: number): number {
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = raw / pow;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * pow;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The chart as an SVG document. */
export function lineChartSvg(c: LineChart): string {
  const W = c.width ?? 1000;
  const H = c.height ?? 600;
  const m = { left: 80, right: 260, top: 50, bottom: 60 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const all = c.series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const yMax = Math.max(1, ...all.map((p) => p[1]));
  const xs = tickStep(xMax, 10);
  const ys = tickStep(yMax, 8);
  const xTop = Math.ceil(xMax / xs) * xs;
  const yTop = Math.ceil(yMax / ys) * ys;
  const X = (x: number) => m.left + (x / xTop) * pw;
  const Y = (y: number) => m.top + ph - (y / yTop) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.left + pw / 2}" y="30" font-size="20" text-anchor="middle">${esc(c.title)}</text>`,
  ];
  for (let x = 0; x <= xTop + xs / 2; x += xs) {
    out.push(
      `<line x1="${X(x)}" y1="${m.top}" x2="${X(x)}" y2="${m.top + ph}" stroke="#e5e5e5"/>`,
      `<text x="${X(x)}" y="${m.top + ph + 20}" font-size="13" text-anchor="middle">${+x.toPrecision(6)}</text>`,
    );
  }
  for (let y = 0; y <= yTop + ys / 2; y += ys) {
    out.push(
      `<line x1="${m.left}" y1="${Y(y)}" x2="${m.left + pw}" y2="${Y(y)}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 8}" y="${Y(y) + 4}" font-size="13" text-anchor="end">${+y.toPrecision(6)}</text>`,
    );
  }
  out.push(
    `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    `<text x="${m.left + pw / 2}" y="${H - 15}" font-size="15" text-anchor="middle">${esc(c.xLabel)}</text>`,
    `<text transform="translate(20 ${m.top + ph / 2}) rotate(-90)" font-size="15" text-anchor="middle">${esc(c.yLabel)}</text>`,
  );
  c.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const dash = i >= COLOURS.length ? ' stroke-dasharray="6 4"' : '';
    const pts = s.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ');
    out.push(
      `<polyline points="${pts}" fill="none" stroke="${colour}" stroke-width="2.5"${dash}/>`,
    );
    const ly = m.top + 10 + i * 24;
    const lx = m.left + pw + 20;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${colour}" stroke-width="3"${dash}/>`,
      `<text x="${lx + 36}" y="${ly + 5}" font-size="13">${esc(s.label)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

/** The chart as PNG bytes. */
export function lineChartPng(c: LineChart): Buffer {
  const svg = new Resvg(lineChartSvg(c), {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return svg.render().asPng();
}
