import { describe, expect, it } from 'vitest';
import { countWorkers } from './queue.repository.ts';
import { queueFromClientName, queueFromMetaKey } from './keys.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('keys', () => {
  it('reads queue names from meta keys and worker connection names', () => {
    expect(queueFromMetaKey('immich_bull:faceDetection:meta')).toBe('faceDetection');
    expect(queueFromMetaKey('other:faceDetection:meta')).toBeNull();
    expect(queueFromClientName(`immich_bull:${b64('ocr')}:w:microservices`)).toBe('ocr');
    expect(queueFromClientName(`immich_bull:${b64('ocr')}`)).toBe('ocr');
    expect(queueFromClientName(`immich_bull:${b64('ocr')}:qe`)).toBeNull();
    expect(queueFromClientName('immich-admin-tools:bridge')).toBeNull();
  });

  it('counts worker connections per queue from CLIENT LIST', () => {
    const list = [
      `id=1 addr=x name=immich_bull:${b64('ocr')}:w:microservices cmd=bzpopmin`,
      `id=2 addr=x name=immich_bull:${b64('ocr')}:w:microservices cmd=bzpopmin`,
      `id=3 addr=x name= cmd=eval`,
      `id=4 addr=x name=immich_bull:${b64('smartSearch')}:w:microservices cmd=info`,
    ].join('\n');
    expect(Object.fromEntries(countWorkers(list))).toEqual({ ocr: 2, smartSearch: 1 });
  });
});
