import { batches } from './event-consumer';

/**
 * A source like a consumer's iterator: `arrivals` lists when each item arrives, as a number of macrotasks after
 * the start (items with the same number arrive together, as a pull answer of several messages does).
 */
async function* source(arrivals: number[]): AsyncGenerator<string> {
  let tick = 0;
  for (const [i, at] of arrivals.entries()) {
    while (tick < at) {
      await new Promise((r) => setTimeout(r, 0));
      tick++;
    }
    yield `m${i}`;
  }
}

async function collect(arrivals: number[], max: number): Promise<number[]> {
  const sizes: number[] = [];
  for await (const b of batches(source(arrivals), max)) sizes.push(b.length);
  return sizes;
}

describe('batches of received events', () => {
  it.each([
    { name: 'nothing', arrivals: [], max: 64, sizes: [] },
    { name: 'one event', arrivals: [0], max: 64, sizes: [1] },
    { name: 'a burst arrives together: one batch', arrivals: [0, 0, 0, 0, 0], max: 64, sizes: [5] },
    { name: 'a burst larger than a batch', arrivals: [0, 0, 0, 0, 0], max: 2, sizes: [2, 2, 1] },
    { name: 'events apart: one each', arrivals: [0, 2, 4], max: 64, sizes: [1, 1, 1] },
    { name: 'two bursts', arrivals: [0, 0, 0, 3, 3], max: 64, sizes: [3, 2] },
  ])('$name', async ({ arrivals, max, sizes }) => {
    expect(await collect(arrivals, max)).toEqual(sizes);
  });

  it('keeps the order and loses nothing', async () => {
    const seen: string[] = [];
    for await (const b of batches(source([0, 0, 1, 1, 1, 5, 5, 6]), 2)) seen.push(...b);
    expect(seen).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });
});
