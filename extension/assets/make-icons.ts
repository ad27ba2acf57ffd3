/**
 * Writes the toolbar icons (extension/public/icon/<size>.png): a rounded square in Immich's
 * primary blue with a white clock ring. Run with `pnpm tsx extension/assets/make-icons.ts`.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

// Toolbar (16, 24, 32), extensions page (48), Firefox's add-ons manager (64, 96) and the stores (128).
const SIZES = [16, 24, 32, 48, 64, 96, 128];
/** Samples per pixel side: edges are averaged so small sizes are not jagged. */
const SUPERSAMPLE = 4;
const BLUE = [66, 80, 175];

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** RGBA of one pixel; coordinates in 0..1 units so every size draws the same picture. */
function pixel(x: number, y: number): number[] {
  const r = 0.2;
  const dx = Math.max(r - x, 0, x - (1 - r));
  const dy = Math.max(r - y, 0, y - (1 - r));
  if (dx * dx + dy * dy > r * r) return [0, 0, 0, 0];
  const d = Math.hypot(x - 0.5, y - 0.5);
  const ring = d > 0.26 && d < 0.36;
  const hourHand = Math.abs(x - 0.5) < 0.045 && y > 0.3 && y < 0.53;
  const minuteHand = Math.abs(y - 0.5) < 0.045 && x > 0.47 && x < 0.66;
  return ring || hourHand || minuteHand ? [255, 255, 255, 255] : [...BLUE, 255];
}

/** The pixel's colour averaged over SUPERSAMPLE² points, alpha-weighted so edges fade instead of darkening. */
function averaged(x: number, y: number, size: number): number[] {
  const sum = [0, 0, 0, 0];
  for (let i = 0; i < SUPERSAMPLE; i++) {
    for (let j = 0; j < SUPERSAMPLE; j++) {
      const [r, g, b, a] = pixel((x + (i + 0.5) / SUPERSAMPLE) / size, (y + (j + 0.5) / SUPERSAMPLE) / size);
      sum[0]! += r! * a!;
      sum[1]! += g! * a!;
      sum[2]! += b! * a!;
      sum[3]! += a!;
    }
  }
  const alpha = sum[3]!;
  if (alpha === 0) return [0, 0, 0, 0];
  return [...sum.slice(0, 3).map((c) => Math.round(c / alpha)), Math.round(alpha / SUPERSAMPLE ** 2)];
}

function png(size: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) Buffer.from(averaged(x, y, size)).copy(row, 1 + x * 4);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const size of SIZES) {
  writeFileSync(new URL(`../public/icon/${size}.png`, import.meta.url), png(size));
}
