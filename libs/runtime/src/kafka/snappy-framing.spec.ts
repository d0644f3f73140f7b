import { isXerialFramed, xerialFrame, xerialUnframe } from './snappy-framing.js';

// A stand-in block codec (reversal) is enough to check the framing itself.
const reverse = async (b: Buffer) => Buffer.from(b).reverse();

describe('xerial snappy framing', () => {
  it('frames in blocks and unframes back', async () => {
    const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
    const framed = await xerialFrame(data, reverse);
    expect(isXerialFramed(framed)).toBe(true);
    expect(framed.readInt32BE(8)).toBe(1);
    // 100,000 bytes in blocks of 32 KiB: four blocks, each a length and its bytes.
    expect(framed.length).toBe(16 + 4 * 4 + data.length);
    expect(await xerialUnframe(framed, reverse)).toEqual(data);
  });

  it('reads an unframed (raw) snappy block as one block', async () => {
    const raw = Buffer.from('raw block');
    expect(isXerialFramed(raw)).toBe(false);
    expect((await xerialUnframe(raw, reverse)).toString()).toBe('kcolb war');
  });

  it('rejects a block that overruns the data', async () => {
    const framed = await xerialFrame(Buffer.from('abc'), reverse);
    framed.writeInt32BE(1000, 16);
    await expect(xerialUnframe(framed, reverse)).rejects.toThrow('overruns');
  });
});
