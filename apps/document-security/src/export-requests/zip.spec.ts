import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { unzip, ZipEntry, zipStream } from './zip';

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const c of chunks) all.push(c);
  return Buffer.concat(all);
}

const HAS_UNZIP = spawnSync('unzip', ['-v']).status === 0;

/**
 * Runs the system's `unzip -t` on an archive: CRCs and sizes of every entry checked by another implementation
 * (in a UTF-8 locale, so it prints the names as they are). It exits with 1 and a warning for an empty archive.
 */
function systemTest(archive: Buffer): { status: number | null; out: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kam-zip-'));
  try {
    const file = path.join(dir, 'export.zip');
    writeFileSync(file, archive);
    const r = spawnSync('unzip', ['-t', file], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C.UTF-8' },
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const at = (minute: number) => new Date(2026, 10, 27, 9, minute);

describe('the zip of a bulk export, written as it goes', () => {
  const cases: { what: string; entries: ZipEntry[] }[] = [
    { what: 'an empty file', entries: [{ name: 'empty.md', data: Buffer.alloc(0), modified: at(0) }] },
    {
      what: 'a small text',
      entries: [{ name: 'report.csv', data: Buffer.from('a,b\n1,2\n'), modified: at(1) }],
    },
    {
      what: 'a random binary over 1 MB (incompressible, many deflate pieces)',
      entries: [{ name: 'scan.pdf', data: randomBytes(1_300_000), modified: at(2) }],
    },
    {
      what: 'UTF-8 (Chinese) names',
      entries: [
        { name: '001-客户档案.txt', data: Buffer.from('华为 客户档案\n'.repeat(50)), modified: at(3) },
        { name: '002-投标底价（机密）.md', data: Buffer.from('底价 880 万\n'), modified: at(4) },
      ],
    },
    {
      what: 'several files of every kind together',
      entries: [
        { name: '001-empty.md', data: Buffer.alloc(0), modified: at(5) },
        { name: '002-月报.txt', data: Buffer.from('第 1 份月报\n'.repeat(20_000)), modified: at(6) },
        { name: '003-scan.bin', data: randomBytes(1_100_000), modified: at(7) },
        { name: '004-a.csv', data: Buffer.from('x\n'), modified: at(8) },
      ],
    },
    { what: 'no files at all', entries: [] },
  ];

  describe.each(cases)('$what', ({ entries }) => {
    let archive: Buffer;
    beforeAll(async () => {
      archive = await collect(zipStream(entries));
    });

    it('holds every file with its name, byte for byte', () => {
      const back = unzip(archive);
      expect(back.map((e) => e.name)).toEqual(entries.map((e) => e.name));
      for (const [i, e] of back.entries()) expect(e.data.equals(Buffer.from(entries[i].data))).toBe(true);
    });

    (HAS_UNZIP ? it : it.skip)('is read by the standard unzip tool, CRCs checked', () => {
      const { status, out } = systemTest(archive);
      if (!entries.length) {
        expect({ status, out }).toEqual({ status: 1, out: expect.stringContaining('zipfile is empty') });
        return;
      }
      expect({ status, out }).toEqual({ status: 0, out: expect.stringContaining('No errors detected') });
      for (const e of entries) expect(out).toContain(`testing: ${e.name}`);
    });
  });

  it('takes the files from an async source too, and ends with the central directory', async () => {
    async function* source(): AsyncGenerator<ZipEntry> {
      yield { name: 'a.txt', data: Buffer.from('一'), modified: at(9) };
      await Promise.resolve();
      yield { name: 'b.txt', data: Buffer.from('二'), modified: at(9) };
    }
    const archive = await collect(zipStream(source()));
    expect(unzip(archive).map((e) => [e.name, e.data.toString()])).toEqual([
      ['a.txt', '一'],
      ['b.txt', '二'],
    ]);
    expect(archive.readUInt32LE(archive.length - 22)).toBe(0x06054b50);
  });

  it('asks for the next file only after the previous one was written out (one document in memory at a time)', async () => {
    const events: string[] = [];
    const files = [
      { name: '001.bin', data: randomBytes(300_000), modified: at(10) },
      { name: '002.txt', data: Buffer.from('二\n'.repeat(1000)), modified: at(10) },
      { name: '003.bin', data: randomBytes(200_000), modified: at(10) },
    ];
    async function* lazily(): AsyncGenerator<ZipEntry> {
      for (const f of files) {
        events.push(`render ${f.name}`);
        yield f;
      }
    }
    let seen = 0;
    for await (const chunk of zipStream(lazily())) {
      // A file's data descriptor (CRC and sizes) is its last piece: the reader has taken all of it.
      if (chunk.length === 16 && chunk.readUInt32LE(0) === 0x08074b50) events.push(`written ${++seen}`);
    }
    expect(events).toEqual([
      'render 001.bin',
      'written 1',
      'render 002.txt',
      'written 2',
      'render 003.bin',
      'written 3',
    ]);
  });

  it('hands out the bytes in pieces, none of them the whole archive', async () => {
    const big = randomBytes(2_000_000);
    let largest = 0;
    let total = 0;
    for await (const chunk of zipStream([{ name: 'big.bin', data: big, modified: at(11) }])) {
      largest = Math.max(largest, chunk.length);
      total += chunk.length;
    }
    expect(total).toBeGreaterThan(big.length);
    expect(largest).toBeLessThanOrEqual(64 * 1024);
  });

  it('a failing source fails the archive, so nothing half-written is handed out as complete', async () => {
    async function* broken(): AsyncGenerator<ZipEntry> {
      yield { name: 'ok.txt', data: Buffer.from('ok'), modified: at(12) };
      throw new Error('document_corrupt');
    }
    await expect(collect(zipStream(broken()))).rejects.toThrow('document_corrupt');
  });
});
