/**
 * A horizontal bar chart of the figures as SVG: one group per figure, one bar per target, each
 * bar's length relative to the largest value of its group (so groups of different units compare).
 */
import type { Figure } from './figures';
import { TARGET_NAMES } from './loadgen-options';

const COLORS: Record<string, string> = {
  agora: '#1f77b4',
  socketio: '#d62728',
  floor: '#7f7f7f',
  java: '#ff7f0e',
  addon: '#2ca02c',
  'agora-metrics': '#9467bd',
  'agora-cluster': '#17becf',
  'socketio-cluster': '#e377c2',
};
/** Legend entries per row (top right). */
const LEGEND_PER_ROW = 4;
const WIDTH = 900;
const LABEL_WIDTH = 300;
const BAR_AREA = 460;
const BAR_HEIGHT = 14;
const BAR_GAP = 3;
const GROUP_GAP = 16;
const TOP = 60;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(x: number): string {
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(Math.abs(x) >= 10 ? 1 : 2);
}

export function chartSvg(figures: Figure[], title: string, subtitle: string): string {
  const groupHeight = TARGET_NAMES.length * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP;
  const height = TOP + figures.length * groupHeight + 20;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="10" y="40" fill="#555">${escapeXml(subtitle)}</text>`,
  ];
  TARGET_NAMES.forEach((t, i) => {
    const x = WIDTH - 440 + (i % LEGEND_PER_ROW) * 110;
    const y = 6 + Math.floor(i / LEGEND_PER_ROW) * 16;
    parts.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${COLORS[t]}"/><text x="${x + 16}" y="${y + 11}">${t}</text>`);
  });
  figures.forEach((f, g) => {
    const y0 = TOP + g * groupHeight;
    const values = TARGET_NAMES.map((t) => f.values[t]);
    const max = Math.max(0, ...values.filter((v): v is number => v !== undefined));
    if (g > 0) parts.push(`<line x1="10" x2="${WIDTH - 10}" y1="${y0 - GROUP_GAP / 2}" y2="${y0 - GROUP_GAP / 2}" stroke="#eee"/>`);
    parts.push(`<text x="10" y="${y0 + 16}" font-weight="bold">${escapeXml(f.run)}</text>`);
    parts.push(
      `<text x="10" y="${y0 + 32}" fill="#333">${escapeXml(`${f.metric} (${f.unit}, ${f.better} is better)`)}</text>`,
    );
    TARGET_NAMES.forEach((t, i) => {
      const y = y0 + i * (BAR_HEIGHT + BAR_GAP);
      const v = f.values[t];
      if (v === undefined) {
        parts.push(`<text x="${LABEL_WIDTH}" y="${y + BAR_HEIGHT - 3}" fill="#999">${t}: not measured</text>`);
        return;
      }
      const w = max > 0 ? Math.max(1, (v / max) * BAR_AREA) : 1;
      parts.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLORS[t]}"/>`);
      parts.push(`<text x="${LABEL_WIDTH + w + 5}" y="${y + BAR_HEIGHT - 3}">${escapeXml(fmt(v))}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
