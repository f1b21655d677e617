// Draws Confab's icon (a speech bubble with three dots on a blue rounded square) into PNGs of every
// size the packagers want, without any image library: a tiny supersampling rasterizer + PNG encoder.
// Usage: node build/icons/make-icons.mjs   (the PNGs are committed; rerun after changing the drawing)
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
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
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// the drawing, in a unit square (0..1): returns [r,g,b,a] for a point
function shade(x, y) {
  const r = 0.2; // corner radius of the background
  const dx = Math.max(0.04 + r - x, 0, x - (0.96 - r));
  const dy = Math.max(0.04 + r - y, 0, y - (0.96 - r));
  if (dx * dx + dy * dy > r * r) return [0, 0, 0, 0];
  // bubble: ellipse + a tail at the bottom left
  const ex = (x - 0.5) / 0.33, ey = (y - 0.46) / 0.25;
  const inEllipse = ex * ex + ey * ey <= 1;
  const inTail = y > 0.6 && y < 0.8 && x > 0.28 && x < 0.44 && x - 0.28 < (0.8 - y) * 0.8 && x > 0.28 + (y - 0.6) * 0.1;
  if (inEllipse || inTail) {
    for (const cx of [0.38, 0.5, 0.62]) {
      const d = (x - cx) ** 2 + (y - 0.46) ** 2;
      if (d < 0.045 ** 2) return [37, 99, 235, 255];
    }
    return [255, 255, 255, 255];
  }
  // background: blue, lighter at the top
  const t = y;
  return [Math.round(59 - 30 * t), Math.round(130 - 50 * t), Math.round(246 - 40 * t), 255];
}

export function render(size, ss = 4) {
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const [cr, cg, cb, ca] = shade((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size);
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      }
      const o = (py * size + px) * 4;
      out[o] = a ? Math.round(r / a) : 0;
      out[o + 1] = a ? Math.round(g / a) : 0;
      out[o + 2] = a ? Math.round(b / a) : 0;
      out[o + 3] = Math.round(a / (ss * ss));
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
    const png = encodePng(size, render(size));
    if (size <= 512) writeFileSync(join(here, `${size}x${size}.png`), png);
    if (size === 256) writeFileSync(join(here, 'confab-256.png'), png);
    if (size === 512) writeFileSync(join(here, 'confab.png'), png);
    if (size === 1024) writeFileSync(join(here, 'confab-1024.png'), png);
  }
  console.log('icons written to build/icons/');
}
