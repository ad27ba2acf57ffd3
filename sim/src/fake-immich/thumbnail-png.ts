import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/** A small PNG per asset: a two-colour gradient picked from the id, so each job row's thumbnail differs. */
export function thumbnailPng(assetId: string, size = 64, isVideo = false): Buffer {
  const seed = createHash('sha1').update(assetId).digest();
  const from = hslToRgb(seed[0]! / 255, 0.55, 0.55);
  const to = hslToRgb(seed[1]! / 255, 0.6, 0.35);
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3); // leading 0 = PNG filter "none"
    for (let x = 0; x < size; x++) {
      const t = (x + y) / (2 * (size - 1));
      const onPlayMark = isVideo && isInPlayTriangle(x, y, size);
      for (let c = 0; c < 3; c++)
        row[1 + x * 3 + c] = onPlayMark ? 255 : Math.round(from[c]! + (to[c]! - from[c]!) * t);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // colour type RGB; compression, filter, interlace stay 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A centred right-pointing triangle, a video's "play" mark. */
function isInPlayTriangle(x: number, y: number, size: number): boolean {
  const left = size * 0.38;
  const dx = x - left;
  const half = size * 0.18;
  return dx >= 0 && dx <= half * 1.6 && Math.abs(y - size / 2) <= half * (1 - dx / (half * 1.6));
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h * 12) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [f(0) * 255, f(8) * 255, f(4) * 255];
}
