// Draws Backroom's icons as PNG files (no downloads, no image library): the app icon and the four
// tray states. Run: node assets/make-icons.mjs. Shapes are signed-distance functions, supersampled.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// Signed distances in unit coordinates (0..1).
const roundRect = (cx, cy, hw, hh, r) => (x, y) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;

/** Paints layers [{shape, color:[r,g,b,a]}] in order, 4×4 supersampled. */
function render(size, layers) {
  const out = Buffer.alloc(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          let cr = 0, cg = 0, cb = 0, ca = 0;
          for (const { shape, color } of layers) {
            if (shape(x, y) > 0) continue;
            const la = color[3];
            cr = color[0] * la + cr * (1 - la);
            cg = color[1] * la + cg * (1 - la);
            cb = color[2] * la + cb * (1 - la);
            ca = la + ca * (1 - la);
          }
          r += cr; g += cg; b += cb; a += ca;
        }
      }
      const n = S * S;
      const i = (py * size + px) * 4;
      const alpha = a / n;
      out[i] = alpha ? Math.round(r / n / alpha) : 0;
      out[i + 1] = alpha ? Math.round(g / n / alpha) : 0;
      out[i + 2] = alpha ? Math.round(b / n / alpha) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

const TEAL = [47, 125, 109, 1];
const DEEP = [31, 58, 61, 1];
const WHITE = [255, 255, 255, 1];
const CREAM = [246, 245, 242, 1];

// The app icon: a deep-green tile with a cream shelf unit holding two boxes (a back room's stock).
const shelf = [
  { shape: roundRect(0.5, 0.5, 0.46, 0.46, 0.2), color: DEEP },
  { shape: roundRect(0.5, 0.5, 0.3, 0.3, 0.05), color: CREAM },
  { shape: roundRect(0.5, 0.5, 0.25, 0.25, 0.02), color: DEEP },
  { shape: roundRect(0.5, 0.5, 0.3, 0.025, 0.01), color: CREAM },
  { shape: roundRect(0.39, 0.37, 0.08, 0.08, 0.015), color: TEAL },
  { shape: roundRect(0.6, 0.62, 0.1, 0.08, 0.015), color: TEAL },
  { shape: roundRect(0.4, 0.64, 0.07, 0.06, 0.015), color: [224, 163, 58, 1] },
];

// Tray: the same shelf, small, with a state dot at the bottom right.
const DOT = { ok: [76, 175, 120, 1], syncing: [66, 142, 214, 1], errors: [214, 69, 56, 1], paused: [150, 150, 145, 1] };
const trayLayers = (state) => [
  { shape: roundRect(0.44, 0.46, 0.38, 0.38, 0.1), color: DEEP },
  { shape: roundRect(0.44, 0.46, 0.26, 0.26, 0.03), color: WHITE },
  { shape: roundRect(0.44, 0.46, 0.19, 0.19, 0.01), color: DEEP },
  { shape: roundRect(0.44, 0.46, 0.26, 0.035, 0.01), color: WHITE },
  { shape: circle(0.77, 0.77, 0.22), color: [255, 255, 255, 1] },
  { shape: circle(0.77, 0.77, 0.17), color: DOT[state] },
  ...(state === 'paused'
    ? [
        { shape: roundRect(0.725, 0.77, 0.022, 0.085, 0.005), color: WHITE },
        { shape: roundRect(0.815, 0.77, 0.022, 0.085, 0.005), color: WHITE },
      ]
    : []),
];

writeFileSync(join(here, 'icon.png'), png(1024, render(1024, shelf)));
for (const state of Object.keys(DOT)) {
  writeFileSync(join(here, `tray-${state}.png`), png(32, render(32, trayLayers(state))));
  writeFileSync(join(here, `tray-${state}@2x.png`), png(64, render(64, trayLayers(state))));
}
console.log('icons written to', here);
