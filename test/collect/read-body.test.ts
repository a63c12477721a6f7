import { describe, expect, it } from 'vitest';
import { readBody } from '../../functions/collect/client-node-reader.ts';

/** `count` pieces of `size` bytes each, every byte telling its piece apart. */
async function* pieces(count: number, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) yield new Uint8Array(size).fill(i % 251);
}

function expected(count: number, size: number): Uint8Array {
  const out = new Uint8Array(count * size);
  for (let i = 0; i < count; i++) out.fill(i % 251, i * size, (i + 1) * size);
  return out;
}

describe('readBody', () => {
  it('joins the pieces of a body larger than its first buffer, into a buffer of its own', async () => {
    // 3 MiB in TLS-record-sized pieces: the buffer grows twice.
    const body = await readBody(pieces(192, 16 * 1024));

    expect(body).toEqual(expected(192, 16 * 1024));
    // Exactly the page, alone in its buffer, so the decoding worker can take it over.
    expect(body.byteOffset).toBe(0);
    expect(body.buffer.byteLength).toBe(body.byteLength);
  });

  it('gives each body its own bytes while the buffer it was read into serves the next ones', async () => {
    const first = await readBody(pieces(10, 1000));
    const second = await readBody(pieces(3, 7));
    const empty = await readBody(pieces(0, 1));

    expect(first).toEqual(expected(10, 1000));
    expect(second).toEqual(expected(3, 7));
    expect(first.buffer).not.toBe(second.buffer);
    expect(empty.byteLength).toBe(0);
  });

  it('passes on a body that fails midway, and reads the next one whole', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(100).fill(1);
      throw new Error('socket hang up');
    }

    await expect(readBody(broken())).rejects.toThrow('socket hang up');
    expect(await readBody(pieces(4, 300))).toEqual(expected(4, 300));
  });
});
