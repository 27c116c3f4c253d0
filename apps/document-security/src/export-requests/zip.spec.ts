import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { unzip, zip } from './zip';

describe('the zip of a bulk export', () => {
  const entries = [
    {
      name: '1-客户档案.txt',
      data: Buffer.from('华为 客户档案\n'.repeat(50)),
      modified: new Date(2026, 10, 27, 9, 30),
    },
    { name: '2-report.csv', data: Buffer.from('a,b\n1,2\n'), modified: new Date(2026, 10, 27, 9, 31) },
    { name: '3-empty.md', data: Buffer.alloc(0), modified: new Date(2026, 10, 27) },
  ];

  it('holds every file with its Chinese name, byte for byte', () => {
    expect(unzip(zip(entries)).map((e) => [e.name, e.data.toString()])).toEqual(
      entries.map((e) => [e.name, e.data.toString()]),
    );
  });

  it('is read by the standard unzip tool, CRCs checked', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kam-zip-'));
    try {
      const file = path.join(dir, 'export.zip');
      writeFileSync(file, zip(entries));
      const out = execFileSync('unzip', ['-t', file], { encoding: 'utf8' });
      expect(out).toContain('No errors detected');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // no unzip on this machine
      throw e;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
