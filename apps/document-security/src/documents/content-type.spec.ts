import { classifyUpload, safeBaseName, sniff } from './content-type';

const pdf = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const docx = Buffer.concat([
  Buffer.from([0x50, 0x4b, 0x03, 0x04]),
  Buffer.from('..[Content_Types].xml..word/document.xml'),
]);
const xlsx = Buffer.concat([
  Buffer.from([0x50, 0x4b, 0x03, 0x04]),
  Buffer.from('..[Content_Types].xml..xl/workbook.xml'),
]);
const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('..random.bin')]);
const text = Buffer.from('客户名称,等级\n华为,金牌\n');
const exe = Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03]);

describe('what a file is comes from its content, not its name', () => {
  it.each([
    ['a PDF', pdf, 'pdf'],
    ['a PNG image', png, 'png'],
    ['a JPEG photo', jpeg, 'jpeg'],
    ['a Word document', docx, 'docx'],
    ['an Excel workbook', xlsx, 'xlsx'],
    ['UTF-8 text with Chinese', text, 'text'],
    ['a plain ZIP archive is none of the accepted kinds', zip, null],
    ['a Windows program is refused', exe, null],
    ['text with NUL bytes is binary', Buffer.from('abc\u0000def'), null],
    ['invalid UTF-8 is refused', Buffer.from([0xc3, 0x28]), null],
  ])('%s', (_, buf, expected) => expect(sniff(buf)).toBe(expected));

  it.each([
    ['a PDF named .pdf is accepted', 'plan.pdf', pdf, { ok: true, type: 'pdf', fileName: 'plan.pdf' }],
    ['a CSV named .csv is text/csv', 'accounts.csv', text, { ok: true, mimeType: 'text/csv; charset=utf-8' }],
    ['a name without extension gets the detected one', 'scan', png, { ok: true, fileName: 'scan.png' }],
    ['a PNG named .pdf is a mismatch', 'contract.pdf', png, { ok: false, error: 'mismatch' }],
    ['text named .docx is a mismatch', 'minutes.docx', text, { ok: false, error: 'mismatch' }],
    ['an unknown extension is unsupported', 'setup.exe', pdf, { ok: false, error: 'unsupported' }],
  ])('%s', (_, name, buf, expected) => expect(classifyUpload(name, buf)).toMatchObject(expected));
});

describe('path-like file names are reduced to a safe base name or refused', () => {
  it.each([
    ['../../etc/passwd.txt', { name: 'passwd.txt' }],
    ['C:\\Users\\zhang\\客户档案.pdf', { name: '客户档案.pdf' }],
    ['/absolute/report.md', { name: 'report.md' }],
    ['..', { problem: 'empty' }],
    ['dir/', { problem: 'empty' }],
    ['.hidden.txt', { name: 'hidden.txt' }],
    ['evil\u0000.pdf', { problem: 'control_characters' }],
    ['line\nbreak.txt', { problem: 'control_characters' }],
    ['x'.repeat(201), { problem: 'too_long' }],
  ])('%j', (raw, expected) => expect(safeBaseName(raw)).toEqual(expected));
});
