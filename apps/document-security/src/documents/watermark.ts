import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';

/** Who received a copy, when, and under which access-log entry (issue 6). */
export interface WatermarkInfo {
  memberName: string;
  memberId: string;
  at: string;
  entryId: string;
}

export function watermarkLine(w: WatermarkInfo): string {
  return `[KAM 保密 CONFIDENTIAL] ${w.memberName} (${w.memberId}) · ${w.at} · access-log ${w.entryId}`;
}

/** Text, Markdown and CSV: a header and a footer line; a UTF-8 BOM stays first. */
export function watermarkText(content: Buffer, w: WatermarkInfo): Buffer {
  const bom = content.length >= 3 && content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf;
  const body = content.toString('utf8', bom ? 3 : 0);
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const line = watermarkLine(w);
  const tail = body.endsWith('\n') || body.length === 0 ? '' : eol;
  return Buffer.concat([
    bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
    Buffer.from(`${line}${eol}${body}${tail}${line}${eol}`, 'utf8'),
  ]);
}

/** The standard PDF fonts cover WinAnsi only: other characters (Chinese names) are written as U+XXXX. */
export function winAnsiSafe(text: string): string {
  return [...text]
    .map((ch) => {
      const cp = ch.codePointAt(0)!;
      return cp >= 0x20 && cp <= 0x7e ? ch : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    })
    .join('');
}

/**
 * PDF: every page stamped at the top and bottom; the full (Unicode) line also goes into the document's subject and
 * keywords. A PDF that pdf-lib cannot parse is refused by the caller rather than handed out unmarked.
 */
export async function watermarkPdf(content: Buffer, w: WatermarkInfo): Promise<Buffer> {
  const pdf = await PDFDocument.load(content, { ignoreEncryption: false, updateMetadata: false });
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const text = winAnsiSafe(
    `KAM CONFIDENTIAL - ${w.memberName} (${w.memberId}) - ${w.at} - access-log ${w.entryId}`,
  );
  for (const page of pdf.getPages()) {
    const { width, height } = page.getSize();
    let size = 7;
    while (size > 3 && font.widthOfTextAtSize(text, size) > width - 20) size -= 0.5;
    const opts = { size, font, color: rgb(0.55, 0.1, 0.1), opacity: 0.8 };
    page.drawText(text, { ...opts, x: 10, y: height - 12 });
    page.drawText(text, { ...opts, x: 10, y: 6 });
  }
  pdf.setSubject(watermarkLine(w));
  pdf.setKeywords([`kam-access-log:${w.entryId}`, `kam-member:${w.memberId}`]);
  return Buffer.from(await pdf.save());
}

/** Whether pdf-lib reads the file with its pages (not damaged, not encrypted): only such PDFs get watermarks. */
export async function pdfOpens(content: Buffer): Promise<boolean> {
  try {
    // pdf-lib is lenient: garbage after a %PDF- header loads as a document without pages.
    const pdf = await PDFDocument.load(content, { ignoreEncryption: false, updateMetadata: false });
    return pdf.getPageCount() > 0;
  } catch {
    return false;
  }
}
