import { PDFDocument } from 'pdf-lib';
import { pdfOpens, watermarkPdf, watermarkText, winAnsiSafe } from './watermark';

const w = { memberName: '张三', memberId: 'm-1', at: '2026-11-26T10:00:00.000Z', entryId: 'e-1' };

describe('downloads carry who took them, when, and the access-log entry', () => {
  it('a CSV gets a header and a footer line around the untouched content', () => {
    const out = watermarkText(Buffer.from('a,b\n1,2\n'), w).toString('utf8').split('\n');
    expect(out[0]).toContain('张三 (m-1)');
    expect(out[0]).toContain('e-1');
    expect(out.slice(1, 3)).toEqual(['a,b', '1,2']);
    expect(out[3]).toBe(out[0]);
  });

  it('a BOM stays the first bytes', () => {
    const out = watermarkText(Buffer.from('\ufeffhello', 'utf8'), w);
    expect([...out.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('Chinese names are spelled as code points on PDF pages', () => {
    expect(winAnsiSafe('张三 ok')).toBe('U+5F20U+4E09 ok');
  });

  it('every PDF page is stamped and the entry id is in the metadata', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    doc.addPage();
    const out = await watermarkPdf(Buffer.from(await doc.save()), w);
    const back = await PDFDocument.load(out);
    expect(back.getPageCount()).toBe(2);
    expect(back.getKeywords()).toContain('kam-access-log:e-1');
  });

  it('a damaged PDF is recognised before it is stored', async () => {
    expect(await pdfOpens(Buffer.from('%PDF-1.7\nnot really a pdf'))).toBe(false);
    const doc = await PDFDocument.create();
    doc.addPage();
    expect(await pdfOpens(Buffer.from(await doc.save()))).toBe(true);
  });
});
